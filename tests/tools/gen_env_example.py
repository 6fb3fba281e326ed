"""Writes .env.example.tera for a template from the platform's SETTINGS tables (one per subsystem)
and the team's settings, each subsystem's block inside a tera condition on the features answer."""
import re,sys
plat='/work/wt-platform/templates/_platform/src/'
groups=[(None,'config.rs'),('http','http.rs.tera'),('jwt','auth/jwt.rs'),('metrics','metrics.rs'),('redis','shared_limits.rs'),('otel','otel.rs'),('fetch','fetch.rs'),('files','files.rs'),('exec','exec/mod.rs')]
def entries(path):
    s=open(path).read().replace('{{ auth | default(value="none") }}','__AUTH__')
    m0=re.search(r"SETTINGS: &(?:'static )?\[Setting\] = &\[",s); i=m0.start()
    j=s.index('];',i)
    out=[]
    for m in re.finditer(r'Setting \{\s*key: "([A-Z_]+)",\s*default: "((?:[^"\\]|\\.)*)",\s*help: "((?:[^"\\]|\\.)*)",\s*\}',s[i:j],flags=re.S):
        key,default,help=m.groups()
        help=re.sub(r'\\\n\s*','',help).replace('\\"','"')
        out.append((key,default,help))
    return out
def block(ents):
    lines=[]
    for key,default,help in ents:
        default=default.replace('__AUTH__','{{ auth | default(value="none") }}')
        lines.append(f'# {help}\n{{{{ env_prefix }}}}_{key}={default}\n')
    return '\n'.join(lines)
header='''# Settings of {{ name }}. Each is read from the environment variable below (or, lower-cased
# without the prefix, from the TOML file named by {{ env_prefix }}_CONFIG_FILE); invalid values
# stop the server with a message naming the variable. Debug builds also read a `.env` file.
# A test (src/testing.rs) keeps this file in sync with the platform's settings and src/settings.rs.
'''
parts=[header]
features_var=sys.argv[1] if len(sys.argv)>1 else 'platform_features'
for feat,path in groups:
    ents=entries(plat+path)
    b=block(ents)
    if feat is None:
        parts.append('\n'+b)
    else:
        parts.append(f'{{% if "{feat}" in {features_var} %}}\n'+b+'{% endif %}')
team=sys.argv[2] if len(sys.argv)>2 else None
out=''.join(parts)
if team:
    out+='\n'+block(entries(team))
sys.stdout.write(out)
