"""`xinyong report keys|issue|verify` as an operator runs them: keys made and shown, a report
issued for a department and verified offline, a byte changed and verification failing, a list
issued into a zip (issue 17 part 1 § 3–5)."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path

from report_world import ACME, ACME_NAME, ReportWorld

from fixtures.lists import BETA, CITIZEN


def _keys(run, tmp_path: Path):  # type: ignore[no-untyped-def]
    done = run("report", "keys", "generate", "--issuer", "江苏省公共信用信息中心")
    assert done.exit_code == 0, done.output
    return tmp_path / "var" / "report-signing"


def test_keys_are_generated_encrypted_and_private_and_shown(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = _keys(run, tmp_path)
    key = directory / "signing-key.pem"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in key.read_bytes()
    shown = run("report", "keys", "show")
    assert shown.exit_code == 0, shown.output
    assert "江苏省公共信用信息中心 信用报告签名" in shown.output and "指纹" in shown.output
    again = run("report", "keys", "generate")
    assert again.exit_code == 1 and "signing_key_exists" in again.output


def test_a_key_and_certificate_of_a_ca_are_installed(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from xinyong.core.clock import Clock
    from xinyong.credit_reports import signing

    made = signing.generate(tmp_path / "ca-made", b"c" * 32, issuer="某CA签发", now=Clock().now())
    from cryptography.hazmat.primitives import serialization

    key = tmp_path / "key.pem"
    key.write_bytes(
        made.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw"),
        )
    )
    cert = tmp_path / "cert.pem"
    cert.write_text(made.certificate_pem())
    wrong = run("report", "keys", "install", "--key", str(key), "--cert", str(cert))
    assert wrong.exit_code == 1 and "invalid_key_material" in wrong.output
    done = run(
        "report", "keys", "install", "--key", str(key), "--cert", str(cert),
        "--password-env", "KEY_PW", KEY_PW="pw",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert made.fingerprint in done.output.replace("\n", " ")


def test_no_key_no_report(rw: ReportWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = run("report", "issue", "--department", "finance", "--purpose", "审查", "--subject", ACME)
    assert done.exit_code == 1
    assert "signing_key_missing" in done.output
    assert "Traceback" not in done.output


def test_a_report_is_issued_to_a_department_and_verified_offline(
    rw: ReportWorld, run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _keys(run, tmp_path)
    out = tmp_path / "acme.pdf"
    done = run(
        "report", "issue", "--department", "finance", "--purpose", "政府采购 NJ-2026-001",
        "--subject", ACME, "--out", str(out), "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    issued = json.loads(done.output)
    [report] = issued["reports"]
    checked = run("report", "verify", str(out))
    assert checked.exit_code == 0, checked.output
    assert "核验通过" in checked.output and report["number"] in checked.output
    assert report["sha256"] in checked.output
    # The subject's query log names the department and the purpose.
    log = rw.client.get(
        f"/api/v1/subjects/{ACME}/queries", headers=rw.subject_token().headers
    ).json()
    [entry] = [q for q in log if q["action"] == "report.issued"]
    assert entry["department"] == "finance" and entry["purpose"] == "政府采购 NJ-2026-001"


def _issued_pdf(run, tmp_path: Path) -> bytes:  # type: ignore[no-untyped-def]
    """ACME's report issued to finance by the CLI, with a key the CLI made."""
    _keys(run, tmp_path)
    out = tmp_path / "acme.pdf"
    done = run(
        "report", "issue", "--department", "finance", "--purpose", "审查", "--subject", ACME,
        "--out", str(out),
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    return out.read_bytes()


def test_one_byte_changed_makes_verify_fail(rw: ReportWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(_issued_pdf(run, tmp_path))
    data[len(data) // 3] ^= 0x01
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(data))
    checked = run("report", "verify", str(forged), "--json")
    assert checked.exit_code == 1
    verdict = json.loads(checked.output)
    assert verdict["genuine"] is False and verdict["problems"]
    plain = run("report", "verify", str(forged))
    assert plain.exit_code == 1 and "Traceback" not in plain.output


def test_verify_refuses_hostile_files_in_one_line_each(  # type: ignore[no-untyped-def]
    rw: ReportWorld, run, tmp_path: Path
) -> None:
    """A file cut short, one not a report, bytes appended, the signature's hex changed: exit 1,
    the problem's code, no traceback."""
    pdf = _issued_pdf(run, tmp_path)
    hex_at = pdf.rfind(b"/Contents <") + len(b"/Contents <") + 200
    changed = bytearray(pdf)
    changed[hex_at] = ord("0") if changed[hex_at] != ord("0") else ord("1")
    files = {
        "cut.pdf": (pdf[: len(pdf) // 3], "unreadable"),
        "photo.pdf": (b"\x89PNG\r\n\x1a\n" + bytes(64), "not_a_report"),
        "appended.pdf": (pdf + b"%% appended\n", "not_whole_file"),
        "hex.pdf": (bytes(changed), "bad_signature"),
    }
    for name, (data, code) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        checked = run("report", "verify", str(path))
        assert checked.exit_code == 1, (name, checked.output)
        assert code in checked.output and "Traceback" not in checked.output, (name, checked.output)
        as_json = run("report", "verify", str(path), "--json")
        assert as_json.exit_code == 1, name
        verdict = json.loads(as_json.output)
        assert verdict["genuine"] is False and code in {p["code"] for p in verdict["problems"]}


def test_a_list_is_issued_into_a_zip(rw: ReportWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _keys(run, tmp_path)
    keys_file = tmp_path / "bidders.txt"
    keys_file.write_text(f"# 投标人\n{ACME}\n{BETA}\n\n", encoding="utf-8")
    out = tmp_path / "bidders.zip"
    done = run(
        "report", "issue", "--department", "finance", "--purpose", "招标 NJ-2026-009",
        "--subjects", str(keys_file), "--out", str(out), "--format", "json",
        XINYONG_REPORT_WORKERS="1",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    archive = zipfile.ZipFile(io.BytesIO(out.read_bytes()))
    names = archive.namelist()
    assert len(names) == 3 and "manifest.csv" in names
    manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert ACME_NAME in manifest and "南京贝塔贸易有限公司" in manifest
    member = tmp_path / "one.json"
    member.write_bytes(archive.read(next(n for n in names if n.endswith(".json"))))
    assert run("report", "verify", str(member)).exit_code == 0


def test_a_refusal_is_one_line(rw: ReportWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _keys(run, tmp_path)
    person = run(
        "report", "issue", "--department", "finance", "--purpose", "审查", "--subject", CITIZEN,
    )  # fmt: skip
    assert person.exit_code == 1 and "report_not_permitted" in person.output
    day = run(
        "report", "issue", "--department", "finance", "--purpose", "审查", "--subject", ACME,
        "--as-of", "yesterday",
    )  # fmt: skip
    assert day.exit_code == 1 and "invalid_date" in day.output
    assert len(day.output.strip().splitlines()) == 1
