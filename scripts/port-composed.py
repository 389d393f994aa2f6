#!/usr/bin/env python3
"""Build the composed-program corpus: tests/data/port-composed/.

Realistic webhook requests (GitHub push, GitLab pipeline, PagerDuty v3, Jira, Spacelift,
Opsgenie; written for this corpus, with non-ASCII names, nulls, big numbers and dates) and
programs composed the way mapping authors write them: a path into the request, a chain of
common filters, a fallback, a condition, an interpolation, Port's single quotes, and the
constructs that do not compile in Port's engine although users write them (`'Run ' + ...`,
`leaf_paths`, `ascii`, `@base32`, `{x: .a + 1}`, `.a ?// "d"`, ...). Each program's answer is
what Port stores, asked of the reference engine (port-exec: libjq at jqlang/jq commit 588ff187
behind Port's dialect layer), so `make test` compares hookmap with it, through `hookmap jq
--port` and inside mappings (tests/tests/port_composed.rs), without the reference binary.

Usage: scripts/port-composed.py PORT_EXEC [PROGRAMS_PER_PAYLOAD]
       scripts/port-composed.py --measure HOOKMAP_BINARY   (both rates of any hookmap version)
Deterministic (fixed seed); not run by `make test`.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'tests', 'data', 'port-composed')

PAYLOADS = {
    'github-push': {
        'body': {
            'ref': 'refs/heads/feature/Ärger-fix',
            'before': '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
            'after': '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
            'created': False, 'deleted': False, 'forced': True,
            'repository': {'id': 186853002, 'name': 'platform-api', 'full_name': 'acme/platform-api',
                           'private': True, 'owner': {'login': 'acme', 'id': 21031067, 'type': 'Organization'},
                           'topics': ['api', 'platform', 'go'], 'default_branch': 'main',
                           'stargazers_count': 0, 'size': 10432, 'language': 'Go',
                           'pushed_at': 1764849600, 'created_at': '2019-05-15T15:19:25Z', 'license': None},
            'pusher': {'name': 'Zoë Ångström', 'email': 'zoe@acme.example'},
            'commits': [
                {'id': '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', 'message': 'Fix Ärger in auth\n\nCloses #42',
                 'timestamp': '2026-12-04T10:15:30+01:00', 'author': {'name': 'Zoë Ångström', 'username': 'zoe'},
                 'added': [], 'removed': ['old.txt'], 'modified': ['auth/login.go', 'README.md']},
                {'id': 'a3e2c1d4f5b6a7980123456789abcdef01234567', 'message': 'bump deps',
                 'timestamp': '2026-12-04T09:01:02+01:00', 'author': {'name': 'renovate[bot]', 'username': None},
                 'added': ['go.sum'], 'removed': [], 'modified': ['go.mod']},
            ],
            'head_commit': {'id': '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', 'message': 'Fix Ärger in auth'},
            'sender': {'login': 'zoe', 'id': 5829461, 'site_admin': False},
        },
        'headers': {'X-GitHub-Event': 'push', 'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
                    'User-Agent': 'GitHub-Hookshot/044aadd', 'content-type': 'application/json'},
        'queryParams': {'team': 'platform'},
    },
    'gitlab-pipeline': {
        'body': {
            'object_kind': 'pipeline',
            'object_attributes': {'id': 31, 'iid': 3, 'ref': 'main', 'tag': False, 'sha': 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
                                  'status': 'failed', 'detailed_status': 'failed', 'stages': ['build', 'test', 'deploy'],
                                  'created_at': '2026-11-30 12:00:01 UTC', 'finished_at': '2026-11-30 12:09:44 UTC',
                                  'duration': 583.25, 'queued_duration': 0.5, 'variables': [{'key': 'NESTOR', 'value': 'ß'}]},
            'user': {'id': 1, 'name': 'José Núñez', 'username': 'jnunez', 'email': '[REDACTED]'},
            'project': {'id': 1, 'name': 'Gitlab Test', 'path_with_namespace': 'gitlab-org/gitlab-test',
                        'web_url': 'http://example.com/gitlab-org/gitlab-test', 'visibility': 'private'},
            'builds': [
                {'id': 380, 'stage': 'deploy', 'name': 'production', 'status': 'skipped', 'duration': None,
                 'allow_failure': False, 'runner': None},
                {'id': 377, 'stage': 'test', 'name': 'test-image', 'status': 'failed', 'duration': 17.1,
                 'allow_failure': False, 'runner': {'id': 380987, 'description': 'shared-runners', 'tags': ['linux', 'docker']}},
            ],
        },
        'headers': {'X-Gitlab-Event': 'Pipeline Hook', 'X-Gitlab-Event-UUID': '13792a34-cac6-4fda-95a8-c58e00a3954e'},
        'queryParams': {},
    },
    'pagerduty-incident': {
        'body': {
            'event': {
                'id': '01DEN3X2TXTTWZL6XT3IRNZK9T', 'event_type': 'incident.triggered', 'resource_type': 'incident',
                'occurred_at': '2026-12-05T08:30:12.482Z', 'agent': None,
                'data': {'id': 'PGR0VU2', 'type': 'incident', 'number': 2,
                         'title': 'Disk full on db-01 — 98%', 'status': 'triggered', 'urgency': 'high',
                         'priority': None, 'incident_key': 'd3640fbd41094207a1c11e58e46b1662',
                         'created_at': '2026-12-05T08:30:12Z',
                         'service': {'id': 'PF9KMXH', 'summary': 'API Service', 'type': 'service_reference'},
                         'assignees': [{'id': 'PTUXL6G', 'summary': 'Ada Lovelace', 'type': 'user_reference'}],
                         'teams': [], 'conference_bridge': None,
                         'escalation_policy': {'id': 'PUS0KTE', 'summary': 'Default'}},
            },
        },
        'headers': {'X-PagerDuty-Signature': 'v1=8f3c...', 'X-Webhook-Id': 'dc4c4d5c-4a2a-4cdc-9b6f-6b1d6f0b1b0e'},
        'queryParams': {},
    },
    'jira-issue': {
        'body': {
            'timestamp': 1764936000123, 'webhookEvent': 'jira:issue_updated', 'issue_event_type_name': 'issue_generic',
            'user': {'accountId': '5b10ac8d82e05b22cc7d4ef5', 'displayName': 'Søren Kierkegaard', 'active': True},
            'issue': {
                'id': '10002', 'key': 'OPS-123',
                'fields': {'summary': 'Rotate TLS certificates (prod)', 'issuetype': {'name': 'Task', 'subtask': False},
                           'status': {'name': 'In Progress', 'statusCategory': {'key': 'indeterminate'}},
                           'priority': {'name': 'High', 'id': '2'}, 'labels': ['security', 'prod'],
                           'assignee': None, 'reporter': {'displayName': 'Søren Kierkegaard'},
                           'created': '2026-12-01T10:15:30.000+0000', 'duedate': '2026-12-15',
                           'timeestimate': 3600, 'customfield_10020': [{'id': 12, 'name': 'Sprint 42', 'state': 'active'}],
                           'components': [{'name': 'infra'}, {'name': 'certs'}], 'description': None},
            },
            'changelog': {'id': '10001', 'items': [{'field': 'status', 'fromString': 'To Do', 'toString': 'In Progress'},
                                                   {'field': 'labels', 'fromString': 'security', 'toString': 'security prod'}]},
        },
        'headers': {'X-Atlassian-Webhook-Identifier': '2216a3e5-4a76-4b19-8f5e-0d1b7c3b0d9b'},
        'queryParams': {'projectKey': 'OPS', 'issueId': '10002'},
    },
    'spacelift-run': {
        'body': {
            'account': 'acme', 'event_type': 'run_state_changed_event', 'event_source': 'spacelift',
            'state': 'FINISHED', 'stateVersion': 7, 'timestamp': 1764950400, 'timestamp_millis': 1764950400123,
            'run': {'id': '01KB7XT6G0J7YQ3N9ZP4R8H2CV', 'branch': 'main', 'type': 'TRACKED', 'url': 'https://acme.app.spacelift.io/stack/net-prod/run/01KB7XT6G0J7YQ3N9ZP4R8H2CV',
                    'createdAt': 1764950100, 'driftDetection': False, 'triggeredBy': 'vcs/commit',
                    'delta': {'added': 3, 'changed': 0, 'deleted': 1, 'resources': 4},
                    'commit': {'authorLogin': 'mlopez', 'authorName': 'María López', 'hash': '9f2e1a0c', 'message': 'Add NAT gateway',
                               'timestamp': 1764950000, 'url': 'https://github.com/acme/infra/commit/9f2e1a0c'}},
            'stack': {'id': 'net-prod', 'name': 'Network (prod)', 'description': None,
                      'labels': ['team:platform', 'env:prod', 'feature:add_plan_pr_comment'],
                      'repository': 'infra', 'url': 'https://acme.app.spacelift.io/stack/net-prod', 'vcs': 'GITHUB'},
            'workerPool': {'public': True, 'labels': [], 'id': '', 'name': ''},
        },
        'headers': {'X-Signature-256': 'sha256=abc', 'user-agent': 'Spacelift'},
        'queryParams': {},
    },
    'opsgenie-alert': {
        'body': {
            'action': 'Create',
            'alert': {'alertId': '8418d193-2dab-4490-b331-8c02cdd196b7-1764954000123', 'message': 'CPU über 90% auf web-03',
                      'tags': ['cpu', 'web', 'prod'], 'tinyId': '1791', 'entity': 'web-03', 'alias': 'web-03-cpu',
                      'createdAt': 1764954000123, 'updatedAt': 1764954000999000000, 'username': 'System',
                      'userId': '', 'priority': 'P2', 'details': {'host': 'web-03', 'value': '93.5', 'owner': None},
                      'responders': [{'type': 'team', 'name': 'SRE'}]},
            'source': {'name': 'Datadog', 'type': 'API'},
            'integrationName': 'Datadog Default', 'integrationId': '4513b7ea-3b91-438f-b7e4-e3e54af9147c',
        },
        'headers': {'Content-Type': 'application/json'},
        'queryParams': {'env': 'prod'},
    },
}

# Filters applied after a path, as mapping authors chain them: (filter, the type it expects
# (`any`: every value), the type it yields). Mostly chosen for the value's type, sometimes not
# (Port stores null for the error then, and that is compared too); `BROKEN` do not compile in
# Port's engine although users write them.
STAGES = [
    ('ascii_downcase', 'string', 'string'), ('ascii_upcase', 'string', 'string'), ('length', 'any', 'number'),
    ('tostring', 'any', 'string'), ('tonumber', 'string', 'number'), ('type', 'any', 'string'),
    ('split("/")', 'string', 'array'), ('split("/") | last', 'string', 'string'), ('split(" ") | first', 'string', 'string'),
    ('ltrimstr("refs/heads/")', 'string', 'string'), ('rtrimstr(".go")', 'string', 'string'),
    ('startswith("a")', 'string', 'boolean'), ('endswith("z")', 'string', 'boolean'), ('contains("a")', 'string', 'boolean'),
    ('test("^[a-z]")', 'string', 'boolean'), ('test("\\\\d")', 'string', 'boolean'), ('test("prod"; "i")', 'string', 'boolean'),
    ('sub("-"; "_")', 'string', 'string'), ('gsub("[^a-zA-Z0-9]"; "-")', 'string', 'string'),
    ('ascii_downcase | gsub(" "; "-")', 'string', 'string'), ('capture("(?<first>[A-Za-z]+)")', 'string', 'object'),
    ('match("[0-9]+").string', 'string', 'string'), ('[scan("[a-z]+")] | length', 'string', 'number'),
    ('index("a")', 'string', 'number'), ('rindex("/")', 'string', 'number'), ('indices(",")', 'string', 'array'),
    ('@base64', 'string', 'string'), ('@base64d', 'string', 'string'), ('@uri', 'string', 'string'), ('@html', 'string', 'string'),
    ('@sh', 'any', 'string'), ('tojson', 'any', 'string'), ('fromjson', 'string', 'any'), ('explode | length', 'string', 'number'),
    ('utf8bytelength', 'string', 'number'), ('fromdate', 'string', 'number'), ('fromdateiso8601', 'string', 'number'),
    ('strptime("%Y-%m-%dT%H:%M:%SZ") | mktime', 'string', 'number'), ('"\\(.)"', 'any', 'string'),
    ('todate', 'number', 'string'), ('. / 1000 | floor | todate', 'number', 'string'), ('strftime("%Y-%m-%d")', 'number', 'string'),
    ('gmtime | todate', 'number', 'string'), ('floor', 'number', 'number'), ('ceil', 'number', 'number'), ('round', 'number', 'number'),
    ('fabs', 'number', 'number'), ('sqrt', 'number', 'number'), ('. * 2', 'number', 'number'), ('. + 1', 'number', 'number'),
    ('. - 1', 'number', 'number'), ('. / 2', 'number', 'number'), ('. % 7', 'number', 'number'), ('-(.)', 'number', 'number'),
    ('tostring | length', 'any', 'number'), ('length > 3', 'any', 'boolean'), ('. == null', 'any', 'boolean'),
    ('. != null', 'any', 'boolean'), ('select(. != null)', 'any', 'any'), ('values', 'any', 'any'), ('not', 'any', 'boolean'),
    ('first', 'array', 'any'), ('last', 'array', 'any'), ('.[0]', 'array', 'any'), ('.[-1]', 'array', 'any'), ('.[1:]', 'array', 'array'),
    ('sort', 'array', 'array'), ('unique', 'array', 'array'), ('reverse', 'array', 'array'), ('add', 'array', 'any'),
    ('min', 'array', 'any'), ('max', 'array', 'any'), ('join(",")', 'array', 'string'), ('join("-")', 'array', 'string'),
    ('map(tostring)', 'array', 'array'), ('map(select(. != null))', 'array', 'array'), ('map(.name)', 'array', 'array'),
    ('map(.id) | join(",")', 'array', 'string'), ('any', 'array', 'boolean'), ('all', 'array', 'boolean'), ('flatten', 'array', 'array'),
    ('group_by(.)', 'array', 'array'), ('unique_by(length)', 'array', 'array'), ('min_by(length)', 'array', 'any'),
    ('limit(2; .[])', 'array', 'any'), ('first(.[])', 'array', 'any'), ('[.[]?]', 'any', 'array'), ('@csv', 'array', 'string'),
    ('@tsv', 'array', 'string'), ('implode', 'array', 'string'), ('has(0)', 'array', 'boolean'), ('index("a")', 'array', 'number'),
    ('keys', 'object', 'array'), ('keys_unsorted', 'object', 'array'), ('to_entries | map(.key)', 'object', 'array'),
    ('to_entries | map("\\(.key)=\\(.value)") | join("&")', 'object', 'string'), ('with_entries(.value |= tostring)', 'object', 'object'),
    ('has("id")', 'object', 'boolean'), ('del(.id)', 'object', 'object'), ('to_entries', 'object', 'array'),
    ('getpath(["id"])', 'object', 'any'), ('[paths] | length', 'any', 'number'), ('paths | join(".")', 'object', 'string'),
    ('tostream', 'any', 'array'), ('scalars', 'any', 'any'), ('objects', 'any', 'object'), ('strings', 'any', 'string'),
    ('index("a")', 'object', 'any'), ('rindex("a")', 'object', 'any'), ('indices("a")', 'object', 'any'),
    ('env | length', 'any', 'number'), ('$ENV | keys', 'any', 'array'), ('now | type', 'any', 'string'),
    ('if type == "string" then ascii_downcase else . end', 'any', 'any'), ('scalb(.; 2)?', 'any', 'any'),
    ('test("\\\\w+ \\\\w+")', 'string', 'boolean'), ('capture("(?<a>x)?")', 'string', 'object'), ('. as [$a, $b] | $a', 'any', 'any'),
]
BROKEN = ['ascii', 'leaf_paths', '@base32', 'isvalid(.)', 'dateadd("seconds"; 10)', 'toarray', 'trimstr("a")', 'ltrimstr(1)']


def type_of(v):
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'boolean'
    if isinstance(v, (int, float)):
        return 'number'
    if isinstance(v, str):
        return 'string'
    return 'array' if isinstance(v, list) else 'object'


def stage_for(t, rng):
    if rng.random() < 0.04:
        return rng.choice(BROKEN), 'any'
    fitting = [s for s in STAGES if s[1] in (t, 'any')] if rng.random() < 0.85 else STAGES
    f, _, out = rng.choice(fitting or STAGES)
    return f, out

WRAPPERS = [
    '{p}', '{p}', '{p}', '{p} // "none"', '({p})?', 'try ({p}) catch "bad"', 'if ({p}) then "yes" else "no" end',
    '"x-\\({p})"', "'v-' + ({p} | tostring)", "'Run ' + ({p} | tostring)", '[{p}]', '{{x: ({p})}}',
    '{{x: {p}}}', '[{p}] | length', '({p}) as $v | $v', 'first({p})', '[limit(3; {p})]', '{p} | tostring',
    '({p}) ?// "d"', '({p}) ? // "d"', 'reduce ({p}) as $i (0; . + 1)', '[({p})] | map(type)',
]


def leaves(v, path):
    """Every path of a value, with its value (objects and arrays included)."""
    yield path, v
    if isinstance(v, dict):
        for k, x in v.items():
            yield from leaves(x, path + [k])
    elif isinstance(v, list):
        for i, x in enumerate(v[:3]):
            yield from leaves(x, path + [i])


def jq_path(path):
    out = ''
    for s in path:
        if isinstance(s, int):
            out += f'[{s}]'
        elif s.replace('_', 'a').isalnum() and s.isascii() and not s[0].isdigit():
            out += '.' + s
        else:
            out += '.' + json.dumps(s)
    return out or '.'


def programs(request, n, rng):
    paths = list(leaves(request, []))
    out = []
    seen = set()
    while len(out) < n:
        path, value = rng.choice(paths)
        expr, t = jq_path(path), type_of(value)
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            f, t = stage_for(t, rng)
            expr += ' | ' + f
        wrap = rng.choice(WRAPPERS)
        program = wrap.format(p=expr)
        if rng.random() < 0.15:
            # A second path combined with the first, as titles and identifiers often are.
            other, _ = rng.choice(paths)
            program = rng.choice([
                f'"\\({program})-\\({jq_path(other)})"',
                f'({program} | tostring) + "/" + ({jq_path(other)} | tostring)',
                f'[{program}, {jq_path(other)}] | map(select(. != null)) | join(" ")',
                f'if {jq_path(other)} == null then {program} else {jq_path(other)} end',
                f"{jq_path(other)} == 'x' or ({program}) != null",
            ])
        if '\n' in program or program in seen:
            continue
        seen.add(program)
        out.append(program)
    return out


def answer_batch(port_exec, exprs, request_text):
    with tempfile.TemporaryDirectory() as d:
        ef, inf = os.path.join(d, 'e.txt'), os.path.join(d, 'in.json')
        open(ef, 'w').write('\n'.join(exprs) + '\n')
        open(inf, 'w').write(request_text)
        p = subprocess.run([port_exec, '--batch', ef, inf], capture_output=True, text=True, timeout=3600)
        rows = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return {r['expr']: r['output'] for r in rows}


def same(a, b):
    """Stored answers compare as Port stores them: numbers as doubles, objects unordered."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    return a == b


def measure(hookmap):
    """The corpus through a `hookmap` binary (any version): `hookmap jq --port` per program, and
    each program as the one property of its own mapping (`hookmap map`), so versions that refuse
    a configuration with a program that does not compile are measured fairly."""
    payloads = json.load(open(os.path.join(OUT, 'payloads.json')))
    probes = [json.loads(l) for l in open(os.path.join(OUT, 'probes.jsonl'))]
    jq_ok = map_ok = 0
    with tempfile.TemporaryDirectory() as d:
        for name, text in payloads.items():
            open(os.path.join(d, name + '.json'), 'w').write(text)

        def one(p):
            req = os.path.join(d, p['payload'] + '.json')
            r = subprocess.run([hookmap, 'jq', '--port', p['expr'], req], capture_output=True, text=True, timeout=60)
            line = r.stdout.split('\n', 1)[0]
            jq = json.loads(line) if line.strip() else '<absent>'
            cfg = os.path.join(d, f'cfg-{abs(hash(p["expr"] + p["payload"]))}.json')
            with open(cfg, 'w') as f:
                json.dump([{'blueprint': 'probe', 'entity': {'identifier': "'x'", 'properties': {'p': p['expr']}}}], f)
            r = subprocess.run([hookmap, 'map', '--config', cfg, req], capture_output=True, text=True, timeout=60)
            if r.returncode != 0:
                mapped = '<refused>'
            else:
                result = json.loads(r.stdout)
                ents = result['entities']
                limited = any(x['code'].startswith('limit-') for x in result['diagnostics'])
                mapped = None if limited else (ents[0]['properties'].get('p', '<absent>') if ents else '<dropped>')
            return same(jq, p['output']), same(mapped, p['output'])

        with ThreadPoolExecutor(max_workers=2) as pool:
            for j, m in pool.map(one, probes):
                jq_ok += j
                map_ok += m
    n = len(probes)
    print(f'{hookmap}: hookmap jq --port {jq_ok}/{n} ({100 * jq_ok / n:.2f}%), inside mappings {map_ok}/{n} ({100 * map_ok / n:.2f}%)')
    return 0


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    if argv[0] == '--measure':
        return measure(argv[1])
    port_exec = argv[0]
    per_payload = int(argv[1]) if len(argv) > 1 else 500
    rng = random.Random(20261207)
    os.makedirs(OUT, exist_ok=True)
    # Real captures carry every header in its own case and in lowercase (port-semantics.md);
    # hookmap adds the lowercase names a request lacks, so the corpus holds both, as Port sees them.
    for req in PAYLOADS.values():
        h = req['headers']
        h.update({k.lower(): v for k, v in list(h.items()) if k.lower() not in h})
    payload_texts = {name: json.dumps(req, ensure_ascii=False) for name, req in PAYLOADS.items()}
    jobs = {name: programs(PAYLOADS[name], per_payload, rng) for name in PAYLOADS}

    def run(name):
        return name, answer_batch(port_exec, jobs[name], payload_texts[name])

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(pool.map(run, PAYLOADS))
    lines = []
    skipped = 0
    for name in PAYLOADS:
        for e in jobs[name]:
            out = answers[name].get(e, '<timeout>')
            if out == '<timeout>':
                skipped += 1
                continue
            lines.append(json.dumps({'payload': name, 'expr': e, 'output': out}, ensure_ascii=False))
    with open(os.path.join(OUT, 'payloads.json'), 'w') as f:
        json.dump(payload_texts, f, indent=1, ensure_ascii=False)
        f.write('\n')
    with open(os.path.join(OUT, 'probes.jsonl'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print(f'{len(lines)} probes over {len(PAYLOADS)} payloads ({skipped} left out: no answer in time)')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
