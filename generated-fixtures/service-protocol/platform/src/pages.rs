//! Pagination of the list methods (`tools/list`, `resources/list`, `resources/templates/list`,
//! `prompts/list`): pages of at most `PAGE_SIZE` items, each page but the last with an opaque
//! `nextCursor`, so a server with hundreds of tools never sends them in one message.
//!
//! Guarantees: a cursor is checked, not trusted. One this server never issued, one a client
//! edited, one of another list, or one issued before the list changed is answered with invalid
//! params (-32602), as the specification asks, and a log line: never a wrong page, never a
//! panic. Cursors keep no state on the server: the check is a hash of the list's position and
//! contents, the same in every process of one build, so any replica behind a load balancer
//! takes a cursor another issued (a rolling deploy that changes the list makes clients list
//! again from the start).

use std::hash::{DefaultHasher, Hash, Hasher};

use rmcp::ErrorData;
use rmcp::model::PaginatedRequestParams;

use crate::logging;

/// Which list a cursor belongs to: a cursor of one list is no cursor of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum List {
    Tools,
    Resources,
    ResourceTemplates,
    Prompts,
}

impl List {
    fn method(self) -> &'static str {
        match self {
            Self::Tools => "tools/list",
            Self::Resources => "resources/list",
            Self::ResourceTemplates => "resources/templates/list",
            Self::Prompts => "prompts/list",
        }
    }
}

/// One page of a list.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// The page of `items` (every item of `list`, in listing order, each named by `key`) that the
/// request's cursor asks for, at most `size` items long.
pub(crate) fn page<T>(
    list: List,
    mut items: Vec<T>,
    key: impl Fn(&T) -> &str,
    request: Option<&PaginatedRequestParams>,
    size: usize,
) -> Result<Page<T>, ErrorData> {
    let start = match request.and_then(|r| r.cursor.as_deref()) {
        None => 0,
        Some(cursor) => match parse(cursor) {
            // Position 0 is never issued: the first page is asked for without a cursor.
            Some((position, check))
                if position > 0
                    && position < items.len()
                    && check == fingerprint(list, position, &items, &key) =>
            {
                position
            }
            _ => {
                tracing::info!(
                    method = list.method(),
                    cursor = logging::bounded(cursor),
                    "invalid cursor refused"
                );
                return Err(ErrorData::invalid_params(
                    format!(
                        "invalid cursor for {}: not issued by this server, or the list changed \
                         since; list again without a cursor",
                        list.method()
                    ),
                    None,
                ));
            }
        },
    };
    let end = start.saturating_add(size.max(1)).min(items.len());
    let next_cursor = (end < items.len()).then(|| {
        let check = fingerprint(list, end, &items, &key);
        format!("{end:x}.{check:016x}")
    });
    items.truncate(end);
    items.drain(..start);
    Ok(Page { items, next_cursor })
}

/// A cursor's position and check, if it has the shape this module writes.
fn parse(cursor: &str) -> Option<(usize, u64)> {
    let (position, check) = cursor.split_once('.')?;
    if position.is_empty() || position.len() > 16 || check.len() != 16 {
        return None;
    }
    let position = usize::from_str_radix(position, 16).ok()?;
    let check = u64::from_str_radix(check, 16).ok()?;
    Some((position, check))
}

/// A hash of the list, the position in it and every item's key: what a cursor must carry to be
/// taken. `DefaultHasher::new()` has fixed keys, so every process of one build agrees.
fn fingerprint<T>(list: List, position: usize, items: &[T], key: impl Fn(&T) -> &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    list.hash(&mut hasher);
    position.hash(&mut hasher);
    items.len().hash(&mut hasher);
    for item in items {
        key(item).hash(&mut hasher);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("tool_{i:03}")).collect()
    }

    fn request(cursor: Option<&str>) -> Option<PaginatedRequestParams> {
        cursor.map(|c| PaginatedRequestParams::default().with_cursor(Some(c.to_string())))
    }

    fn page_of(
        items: Vec<String>,
        cursor: Option<&str>,
        size: usize,
    ) -> Result<Page<String>, ErrorData> {
        page(
            List::Tools,
            items,
            String::as_str,
            request(cursor).as_ref(),
            size,
        )
    }

    #[test]
    fn pages_cover_the_list_once_in_order() {
        let all = names(250);
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let page = page_of(all.clone(), cursor.as_deref(), 100).unwrap();
            assert!(page.items.len() <= 100);
            seen.extend(page.items);
            pages += 1;
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen, all);
    }

    #[test]
    fn a_list_that_fits_has_no_cursor() {
        for n in [0, 1, 100] {
            let page = page_of(names(n), None, 100).unwrap();
            assert_eq!(page.items.len(), n);
            assert_eq!(page.next_cursor, None, "{n} items");
        }
    }

    #[test]
    fn forged_edited_foreign_and_stale_cursors_are_invalid_params() {
        let all = names(250);
        let cursor = page_of(all.clone(), None, 100)
            .unwrap()
            .next_cursor
            .unwrap();
        let (position, check) = cursor.split_once('.').unwrap();
        let moved = format!(
            "{:x}.{check}",
            usize::from_str_radix(position, 16).unwrap() + 1
        );
        let flipped = format!(
            "{position}.{:016x}",
            u64::from_str_radix(check, 16).unwrap() ^ 1
        );
        let foreign = page(
            List::Prompts,
            all.clone(),
            String::as_str,
            request(None).as_ref(),
            100,
        )
        .unwrap()
        .next_cursor
        .unwrap();
        let huge = format!("{:x}.{check}", usize::MAX);
        for bad in [
            "",
            "garbage",
            "0.0000000000000000",
            &moved,
            &flipped,
            &foreign,
            &huge,
            "64.zzzzzzzzzzzzzzzz",
            &"9".repeat(10_000),
        ] {
            let error = page_of(all.clone(), Some(bad), 100).unwrap_err();
            assert_eq!(
                error.code,
                rmcp::model::ErrorCode::INVALID_PARAMS,
                "{bad:?}"
            );
            assert!(
                error.message.contains("invalid cursor for tools/list"),
                "{bad:?}"
            );
        }
        // The list changed after the cursor was issued: one tool fewer.
        let mut changed = all.clone();
        changed.remove(7);
        assert!(page_of(changed, Some(&cursor), 100).is_err());
        // The same list in another process of the same build takes it.
        assert_eq!(
            page_of(all, Some(&cursor), 100).unwrap().items[0],
            "tool_100"
        );
    }
}
