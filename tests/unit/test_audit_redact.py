"""Secrets never reach the audit trail."""

import pytest

from kubechat.audit import AuditTrail, RecordInput, UserInfo
from kubechat.ledger.redact import MASK, output_is_secret, redact_argv, redact_text, search_text


@pytest.mark.parametrize(
    "argv, secret",
    [
        (["kubectl", "create", "secret", "generic", "db", "--from-literal=password=hunter22"], "hunter22"),
        (["kubectl", "create", "secret", "generic", "db", "--from-literal", "user=admin1"], "admin1"),
        (["kubectl", "get", "pods", "--token=eyJhbGciOi"], "eyJhbGciOi"),
        (["kubectl", "get", "pods", "--token", "eyJhbGciOi"], "eyJhbGciOi"),
        (["kubectl", "config", "set-credentials", "u", "--password=s3cr3t"], "s3cr3t"),
        (["kubectl", "config", "set-credentials", "u", "--password", "s3cr3t"], "s3cr3t"),
        (
            [
                "kubectl",
                "create",
                "secret",
                "docker-registry",
                "r",
                "--docker-server=r.io",
                "--docker-password=dockpw",
            ],
            "dockpw",
        ),
        (["kubectl", "create", "secret", "docker-registry", "r", "--docker-password", "dockpw"], "dockpw"),
        (
            ["kubectl", "config", "set-credentials", "u", "--auth-provider-arg=client-secret=oidcsecret"],
            "oidcsecret",
        ),
        (["kubectl", "create", "configmap", "c", "--from-literal=api_key=k3y123"], "k3y123"),
        (["kubectl", "apply", "-f", "https://bob:pw1234@git.example.com/x.yaml"], "pw1234"),
    ],
)
def test_argv_secrets_redacted(argv, secret):
    out, found = redact_argv(argv)
    assert secret not in " ".join(out)
    assert MASK in " ".join(out)
    assert secret in found


def test_non_secret_values_kept():
    argv = ["kubectl", "create", "configmap", "c", "--from-literal=color=blue", "-n", "prod"]
    assert redact_argv(argv)[0] == argv
    argv = [
        "kubectl",
        "create",
        "secret",
        "docker-registry",
        "r",
        "--docker-server=r.io",
        "--docker-username=u",
    ]
    assert redact_argv(argv)[0] == argv


def test_free_text_redacted():
    text = "create secret db with password hunter22 and token=abc123"
    out = redact_text(text)
    assert "hunter22" not in out and "abc123" not in out
    assert out.startswith("create secret db with password ")  # the resource word "secret" stays


def test_known_values_scrubbed_from_text():
    assert "zebra99" not in redact_text("make a secret holding zebra99", ["zebra99"])


def test_record_is_redacted_before_signing():
    trail = AuditTrail()
    record = trail.record(
        RecordInput(
            user=UserInfo(username="alice"),
            request="create secret db with value hunter22",
            argv=["kubectl", "create", "secret", "generic", "db", "--from-literal=pw=hunter22"],
            policy={"decision": "allow", "reasons": ["hunter22 looked fine"]},
        )
    )
    raw = b"".join(trail.spool.raw_records())
    assert b"hunter22" not in raw
    assert record.argv[-1] == f"--from-literal=pw={MASK}"
    assert trail.verify().ok


def test_secret_outputs_recognised():
    assert output_is_secret(["kubectl", "get", "secret", "db", "-o", "yaml"])
    assert output_is_secret(["kubectl", "create", "token", "builder"])
    assert output_is_secret(["kubectl", "config", "view", "--raw"])
    assert not output_is_secret(["kubectl", "get", "pods"])


# -- values the parser finds: env vars, client passwords after `--`, URLs, flags before the subcommand


@pytest.mark.parametrize(
    "argv, secret",
    [
        (["set", "env", "deploy/web", "DB_PASSWORD=hunter22", "LOG=debug"], "hunter22"),
        (["set", "env", "deploy/web", "--env=API_TOKEN=tok123"], "tok123"),
        (["run", "x", "--image=busybox", "--env", "AWS_SECRET_ACCESS_KEY=abcd1234"], "abcd1234"),
        (["exec", "db-0", "--", "mysql", "-uroot", "-phunter22", "app"], "hunter22"),
        (["exec", "db-0", "-it", "--", "mysql", "--password=hunter22"], "hunter22"),
        (["exec", "db-0", "--", "mysql", "--password", "hunter22"], "hunter22"),
        (["exec", "db-0", "--", "sh", "-c", "mysql -uroot -phunter22 app"], "hunter22"),
        (["exec", "r", "--", "redis-cli", "-a", "redpass1", "ping"], "redpass1"),
        (["exec", "c", "--", "curl", "-u", "bob:curlpw1", "https://x"], "curlpw1"),
        (["exec", "c", "--", "curl", "--user=bob:curlpw1", "https://x"], "curlpw1"),
        (["create", "configmap", "c", "--from-literal=url=postgres://user:pgpw123@db:5432/app"], "pgpw123"),
        (["create", "-n", "prod", "secret", "generic", "db", "--from-literal=user=admin1"], "admin1"),
        (["create", "-n", "prod", "secret", "generic", "db", "--from-literal", "user=admin1"], "admin1"),
        (["apply", "-f", "https://ghp_tokentoken@raw.github.com/x.yaml"], "ghp_tokentoken"),
    ],
)
def test_parser_found_secrets_redacted(argv, secret):
    out, found = redact_argv(argv)
    assert secret not in " ".join(out) and MASK in " ".join(out)
    assert len(out) == len(argv)  # the command line keeps its shape
    assert secret not in redact_text(f"please run {' '.join(argv)}", found)


def test_non_secret_env_and_client_flags_kept():
    for argv in (
        ["set", "env", "deploy/web", "LOG_LEVEL=debug"],
        ["exec", "web", "--", "nc", "-p", "8080", "db"],  # -p is a port for most programs
        ["exec", "db", "--", "mysql", "-p", "appdb"],  # mysql prompts; appdb is the database
        ["create", "-n", "prod", "configmap", "c", "--from-literal=color=blue"],
    ):
        assert redact_argv(argv)[0] == argv


def test_password_flag_value_is_not_mangled_in_free_text():
    assert redact_text("use --password-file=/etc/pw") == "use --password-file=/etc/pw"
    assert redact_text("set DB_PASSWORD=hunter22 on web") == f"set DB_PASSWORD={MASK} on web"
    assert redact_text('{"password": "hunter22"}') == f'{{"password": "{MASK}"}}'


@pytest.mark.parametrize(
    "argv, secret",
    [
        (["get", "secret", "db", "-o", "kyaml"], True),  # a format this code does not know
        (["get", "secret", "db", "-o", "jsonpath={.data.password}"], True),
        (["get", "secret", "db", "-o", "custom-columns=D:.data"], True),
        (["get", "-n", "prod", "secret/db", "-ojson"], True),
        (["get", "--raw", "/api/v1/namespaces/prod/secrets/db"], True),
        (["create", "secret", "generic", "x", "--from-literal=a=b", "--dry-run=client", "-o", "yaml"], True),
        (["exec", "web", "--", "env"], True),
        (["config", "view", "--flatten"], True),
        (["get", "secrets", "-n", "prod"], False),  # names and types only
        (["get", "secrets", "-o", "wide"], False),
        (["describe", "secret", "db"], False),  # sizes only
        (["config", "view"], True),  # kubectl redacts tokens, not OIDC or exec-plugin secrets
        (["get", "secrets", "--sort-by", ".data.password"], True),
    ],
)
def test_revealing_output_fails_closed(argv, secret):
    assert output_is_secret(argv) is secret


def test_search_text_is_redacted_from_the_record_itself():
    text = search_text(
        "create the db secret with password hunter22",
        ["create", "-n", "prod", "secret", "generic", "db", "--from-literal=pw=hunter22"],
        ["hunter22 looked fine"],
    )
    assert "hunter22" not in text and "create -n prod secret generic db" in text


@pytest.mark.parametrize(
    "argv,secret",
    [
        (["exec", "db-0", "--", "psql", "-c", "ALTER USER app PASSWORD 'hunter2'"], "hunter2"),
        (["exec", "db-0", "--", "mysql", "-e", 'CREATE USER u IDENTIFIED BY "s3cr3tpw"'], "s3cr3tpw"),
        (
            ["exec", "w", "--", "curl", "-H", "Authorization: Basic dXNlcjpodW50ZXIy", "http://x"],
            "dXNlcjpodW50ZXIy",
        ),
        (
            ["exec", "w", "--", "curl", "-H", "authorization: Bearer eyJhbGciOi.abc", "http://x"],
            "eyJhbGciOi.abc",
        ),
        (["exec", "w", "--", "curl", "-H", "X-Api-Key: k-9f8e7d6c", "http://x"], "k-9f8e7d6c"),
    ],
)
def test_credentials_in_another_programs_words_are_redacted(argv, secret):
    clean, found = redact_argv(argv)
    assert secret not in " ".join(clean) and secret in found
    assert secret not in search_text("run it", argv, [])


def test_an_argv_that_cannot_be_parsed_hides_every_literal():
    # more unknown flags than the parser will read: every --from-literal value is hidden, whatever its key
    argv = ["create", "configmap", "c", *["--future-flag"] * 8, "--from-literal=db=hunter2xyz"]
    clean, _ = redact_argv(argv)
    assert "hunter2xyz" not in " ".join(clean)


@pytest.mark.parametrize(
    "text,secret",
    [
        ("set the db password to hunter-22", "hunter-22"),
        ("the api token should be tok-8c1", "tok-8c1"),
        ("curl -H Authorization:Bearer eyJ-nospace-1 https://x", "eyJ-nospace-1"),
        ("ALTER USER u IDENTIFIED WITH mysql_native_password BY 'pw-w-1'", "pw-w-1"),
        ("ALTER ROLE u PASSWORD E'pw-e-1'", "pw-e-1"),
        ("ALTER ROLE u PASSWORD 'it''s-pw-2'", "s-pw-2"),
        ("SET PASSWORD FOR 'u'@'%' = 'pw-s-1'", "pw-s-1"),
        ('{"name": "DB_PASS", "value": "pw-env-1"}', "pw-env-1"),
        ("STRIPE_SK=sk-live-1 GITLAB_PAT=glpat-1", "sk-live-1"),
    ],
)
def test_free_text_credentials_in_every_spelling(text, secret):
    assert secret not in redact_text(text)


def test_client_table_keeps_ordinary_words():
    for argv in (
        ["exec", "v", "--", "vault", "status"],
        ["exec", "m", "--", "rabbitmqctl", "list_users"],
        ["exec", "o", "--", "openssl", "x509", "-in", "c.pem", "-noout"],
        ["exec", "o", "--", "sqlplus", "/nolog"],
        ["exec", "r", "--", "sh", "-c", "redis-cli AUTH pw-r-9 && echo done"],
        ["patch", "deploy", "web", "-p", '{"env":[{"name":"LOG_LEVEL","value":"debug"}]}'],
    ):
        clean = redact_argv(argv)[0]
        assert clean[:-1] == argv[:-1] and ("done" in clean[-1] or clean == argv or MASK in clean[-1])
    assert redact_argv(["exec", "r", "--", "sh", "-c", "redis-cli AUTH pw-r-9 && echo done"])[0][-1] == (
        f"redis-cli AUTH {MASK} && echo done"
    )


@pytest.mark.parametrize(
    "argv,secret",
    [
        # a KEY=VALUE value carries its own secrets whatever the key
        (["set", "env", "deploy/x", "CONN_STR=Server=db;User=sa;Password=pw-cs-1"], "pw-cs-1"),
        (["run", "x", "--image=busybox", "--env=CONN=Server=db;Password=pw-run-1"], "pw-run-1"),
        (
            ["create", "configmap", "c", '--from-literal=settings.json={"dbPassword":"pw-json-1"}'],
            "pw-json-1",
        ),
        # kubeconfig credentials set by property path
        (["config", "set", "users.dev.token", "tok-cfg-1"], "tok-cfg-1"),
        (["config", "set", "users.dev.client-key-data", "a2V5LWRhdGEtMQ=="], "a2V5LWRhdGEtMQ=="),
        (["config", "set", "users.dev.password", "pw-cfg-1"], "pw-cfg-1"),
        (["config", "set", "users.dev.auth-provider.config.client-id", "cid-cfg-1"], "cid-cfg-1"),
        # another program's command line
        (["exec", "w", "--", "curl", "--oauth2-bearer", "tok-oa-1", "https://x"], "tok-oa-1"),
        (["exec", "j", "--", "keytool", "-list", "-storepass", "pw-ks-1", "-keypass", "pw-kp-1"], "pw-ks-1"),
        (["exec", "j", "--", "keytool", "-list", "-storepass", "pw-ks-1", "-keypass", "pw-kp-1"], "pw-kp-1"),
        (["exec", "h", "--", "htpasswd", "-nb", "bob", "pw-ht-1"], "pw-ht-1"),
        (["exec", "h", "--", "htpasswd", "-Bbc", "/etc/h", "bob", "pw-ht-2"], "pw-ht-2"),
        (["exec", "d", "--", "docker", "login", "-u", "bob", "-p", "pw-dk-1", "r.io"], "pw-dk-1"),
        (["exec", "d", "--", "docker", "login", "--password", "pw-dk-2", "r.io"], "pw-dk-2"),
        (["exec", "r", "--", "redis-cli", "CONFIG", "SET", "requirepass", "pw-rq-1"], "pw-rq-1"),
        (["exec", "m", "--", "mongosh", "--eval", "db.auth('u','pw-mg-1')"], "pw-mg-1"),
        (["exec", "m", "--", "mongosh", "--eval", 'db.auth("u", "pw-mg-2")'], "pw-mg-2"),
        (["exec", "f", "--", "lftp", "-u", "bob,pw-lf-1", "ftp.example"], "pw-lf-1"),
        (["exec", "s", "--", "mc", "alias", "set", "s3", "https://s3", "AKIAEXAMPLE1", "sk-mc-1"], "sk-mc-1"),
        (
            ["exec", "s", "--", "mc", "alias", "set", "s3", "https://s3", "AKIAEXAMPLE1", "sk-mc-1"],
            "AKIAEXAMPLE1",
        ),
        (
            ["exec", "q", "--", "bcp", "t", "out", "f.dat", "-S", "db", "-U", "sa", "-P", "pw-bcp-1"],
            "pw-bcp-1",
        ),
        (["exec", "q", "--", "mysql", "-u", "root", "--passw=pw-my-1"], "pw-my-1"),
        (["exec", "q", "--", "mysql", "-u", "root", "--pas=pw-my-2"], "pw-my-2"),
        (["exec", "u", "--", "sh", "-c", "echo pw-sd-1 | passwd --stdin bob"], "pw-sd-1"),
        (
            ["exec", "u", "--", "sh", "-c", "echo pw-dk-3 | docker login -u bob --password-stdin r.io"],
            "pw-dk-3",
        ),
        (["exec", "u", "--", "tool", "--creds", "pw-cr-1"], "pw-cr-1"),
    ],
)
def test_secrets_in_values_config_paths_and_client_options_are_redacted(argv, secret):
    clean, found = redact_argv(argv)
    assert secret not in " ".join(clean), clean
    assert secret not in search_text("run it", argv, [])


def test_redaction_keeps_what_is_not_a_secret():
    assert redact_argv(["set", "env", "deploy/x", "CONN_STR=Server=db;User=sa;Password=pw-cs-1"])[0][-1] == (
        f"CONN_STR=Server=db;User=sa;Password={MASK}"
    )
    assert (
        redact_argv(["config", "set", "clusters.dev.server", "https://k8s:6443"])[0][-1] == "https://k8s:6443"
    )
    assert redact_argv(["exec", "f", "--", "lftp", "-u", "bob,pw-lf-1", "h"])[0][-2] == f"bob,{MASK}"
    assert redact_argv(["exec", "h", "--", "htpasswd", "-nb", "bob", "pw-ht-1"])[0][-2] == "bob"
    assert redact_argv(["exec", "u", "--", "sh", "-c", "echo hello world"])[0][-1] == "echo hello world"
