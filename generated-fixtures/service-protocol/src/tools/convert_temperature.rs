// Owned by your team: edit freely.
//! `convert_temperature`: an example tool with typed parameters (an enum becomes a JSON
//! Schema `enum`), validation the model can act on, and structured output.

use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::{schemars, tool, tool_router};
use serde::{Deserialize, Serialize};

use crate::server::Server;
use platform::errors::ToolError;

/// A temperature scale.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    Celsius,
    Fahrenheit,
    Kelvin,
}

/// Parameters of `convert_temperature`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ConvertParams {
    /// The temperature to convert.
    pub value: f64,
    /// The scale `value` is in.
    pub from: Scale,
    /// The scale to convert to.
    pub to: Scale,
}

/// A converted temperature.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Converted {
    pub value: f64,
    pub scale: Scale,
}

fn to_kelvin(value: f64, scale: Scale) -> f64 {
    match scale {
        Scale::Celsius => value + 273.15,
        Scale::Fahrenheit => (value - 32.0) * 5.0 / 9.0 + 273.15,
        Scale::Kelvin => value,
    }
}

fn from_kelvin(kelvin: f64, scale: Scale) -> f64 {
    match scale {
        Scale::Celsius => kelvin - 273.15,
        Scale::Fahrenheit => (kelvin - 273.15) * 9.0 / 5.0 + 32.0,
        Scale::Kelvin => kelvin,
    }
}

#[tool_router(router = convert_temperature_router, vis = "pub(crate)")]
impl Server {
    /// Convert a temperature between Celsius, Fahrenheit and Kelvin.
    #[tool(annotations(
        title = "Convert temperature",
        read_only_hint = true,
        destructive_hint = false,
        idempotent_hint = true,
        open_world_hint = false
    ))]
    async fn convert_temperature(
        &self,
        Parameters(params): Parameters<ConvertParams>,
    ) -> Result<Json<Converted>, ToolError> {
        if !params.value.is_finite() {
            return Err(ToolError::invalid_input("`value` must be a finite number"));
        }
        let kelvin = to_kelvin(params.value, params.from);
        if kelvin < 0.0 {
            return Err(ToolError::invalid_input(
                "that is below absolute zero; check `value` and `from`",
            ));
        }
        let value = (from_kelvin(kelvin, params.to) * 100.0).round() / 100.0;
        Ok(Json(Converted {
            value,
            scale: params.to,
        }))
    }
}

/// This tool's router, merged into the registry in `src/tools/mod.rs`.
pub(crate) fn router() -> ToolRouter<Server> {
    Server::convert_temperature_router()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::testing::Harness;

    #[tokio::test]
    async fn converts_between_scales() {
        let h = Harness::start().await;
        let result = h
            .call_tool(
                "convert_temperature",
                json!({"value": 100, "from": "celsius", "to": "fahrenheit"}),
            )
            .await;
        assert_eq!(result.is_error, Some(false));
        assert_eq!(
            result.structured_content,
            Some(json!({"value": 212.0, "scale": "fahrenheit"}))
        );
    }

    #[tokio::test]
    async fn rejects_impossible_and_mistyped_input() {
        let h = Harness::start().await;
        let cold = h
            .call_tool(
                "convert_temperature",
                json!({"value": -500, "from": "celsius", "to": "kelvin"}),
            )
            .await;
        assert_eq!(cold.is_error, Some(true));
        assert!(Harness::text(&cold).contains("absolute zero"));
        for bad in [
            json!({"value": "hot", "from": "celsius", "to": "kelvin"}),
            json!({"value": 1, "from": "rankine", "to": "kelvin"}),
            json!({"value": 1}),
        ] {
            let result = h.call_tool("convert_temperature", bad.clone()).await;
            assert_eq!(result.is_error, Some(true), "{bad} was accepted");
        }
    }
}
