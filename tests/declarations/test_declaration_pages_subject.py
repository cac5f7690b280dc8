"""The subject console's declaration pages, on both databases: the category chooser and a
form generated from the category's spec, the truthfulness commitment shown whole; a licence
declared with a PDF and verified by the platform at once, in the subject's archive and on the
portal marked 自主申报; refusals beside their field with nothing stored; the list's filters
and pager; another subject's declaration is 404."""

from __future__ import annotations

from declaration_pages import GIF, LICENCE_FORM, log_in, post_form, text_of
from declaration_world import PDF, PNG, DeclarationWorld

from fixtures.lists import ACME, CITIZEN
from xinyong.models import Role
from xinyong.subjects.service import find_subject

NEW = "/me/declarations/new"


def declare_page(dw: DeclarationWorld, category: str, data: dict, files=None):  # type: ignore[no-untyped-def]
    page = f"{NEW}?category={category}"
    return post_form(dw.client, page, page, data, files=files)


def test_the_form_is_the_category_s_spec_with_the_commitment_whole(dw: DeclarationWorld) -> None:
    log_in(dw, "acme", Role.subject, subject_id=dw.acme_id)
    chooser = text_of(dw.client.get(NEW).text)
    for name in ("资质证照", "生产经营", "合同履行", "表彰奖励", "社会公益"):
        assert name in chooser
    assert "本页供信息主体本人使用" in chooser
    form = dw.client.get(f"{NEW}?category=qualification")
    assert form.status_code == 200
    text = text_of(form.text)
    assert "证照编号（必填）" in text and "有效期至 " in text and "有效期至（必填）" not in text
    assert 'name="licence_number"' in form.text and 'type="date"' in form.text
    assert "法定代表人（负责人）（必填）" in text
    # The commitment text rendered whole for this subject, today.
    assert "信用信息自主申报真实性承诺书" in text
    assert "南京测试科技有限公司" in text and "2026年6月15日" in text
    assert "依法依规接受相应的失信约束措施" in text and "{" not in text
    # An operation's figures: numbers; the honour's level: a choice.
    operation = dw.client.get(f"{NEW}?category=operation").text
    assert 'name="employees" type="number" step="1"' in operation
    honour = dw.client.get(f"{NEW}?category=honour").text
    assert '<select name="level"' in honour and "省级" in honour


def test_a_licence_the_platform_holds_is_verified_and_shown_as_self_declared(
    dw: DeclarationWorld,
) -> None:
    client = log_in(dw, "acme", Role.subject, subject_id=dw.acme_id)
    answer = declare_page(
        dw, "qualification", LICENCE_FORM, files=[("files", ("许可证.pdf", PDF, "application/pdf"))]
    )
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith("/me/declarations/") and location.endswith("?filed=1")
    page = text_of(client.get(location).text)
    assert "已核验" in page and "平台自动核验" in page and "平台已核验通过" in page
    assert "JY13201000001" in page and "许可证.pdf" in page
    assert "行政许可" in page  # the confirming record by its item's name
    assert "自主申报并作出真实性承诺" in page and "核验通过" in page
    # Its attachment, downloaded by the subject.
    file_link = client.get(location).text.split('href="/me/evidence/')[1].split('"')[0]
    assert client.get(f"/me/evidence/{file_link}").content == PDF

    listed = text_of(client.get("/me/declarations").text)
    assert "资质证照" in listed and "已核验" in listed
    archive = text_of(client.get("/me").text)
    assert "自主申报信息" in archive and "自主申报" in archive and "JY13201000001" in archive
    assert "公共信用信息平台" in archive

    # The portal: public, an organisation's, marked as declared by the subject.
    client.cookies.clear()
    portal = text_of(client.get(f"/subjects/{ACME}").text)
    assert "自主申报信息" in portal and "信息主体自主申报" in portal
    assert "JY13201000001" in portal and "核验日期 2026-06-15" in portal


def test_refusals_are_beside_their_field_and_nothing_is_stored(dw: DeclarationWorld) -> None:
    log_in(dw, "acme", Role.subject, subject_id=dw.acme_id)
    before = dw.stored()
    missing = {**LICENCE_FORM, "licence_number": "", "confirmed": ""}
    answer = declare_page(dw, "qualification", missing)
    assert answer.status_code == 422
    text = text_of(answer.text)
    assert 'id="err-licence_number"' in answer.text and 'id="err-confirmed"' in answer.text
    assert "请阅读信息真实性承诺书全文" in text
    # What was typed is kept.
    assert 'value="食品经营许可证"' in answer.text

    later = {**LICENCE_FORM, "valid_from": "2026-07-01", "valid_to": "2026-01-01"}
    answer = declare_page(dw, "qualification", later)
    assert answer.status_code == 422
    assert "有效期至不能早于有效期自" in answer.text and "不能晚于申报当日" in answer.text

    gif_file = [("files", ("a.gif", GIF, "image/gif"))]
    gif = declare_page(dw, "qualification", LICENCE_FORM, files=gif_file)
    assert gif.status_code == 415 and 'id="err-files"' in gif.text
    assert "不是 PDF、JPEG 或 PNG 文件" in gif.text
    # A PNG named as a PDF: the service judges the claim.
    named = declare_page(
        dw, "qualification", LICENCE_FORM, files=[("files", ("证.pdf", PNG, "application/pdf"))]
    )
    assert named.status_code == 422 and "内容与其声明的文件类型不符" in named.text
    assert 'id="err-files"' in named.text
    no_rep = declare_page(dw, "qualification", {**LICENCE_FORM, "legal_representative": ""})
    assert no_rep.status_code == 422 and 'id="err-legal_representative"' in no_rep.text
    period = {"period_from": "2025-01-01", "period_to": "2025-12-31", "confirmed": "yes"}
    figures = declare_page(dw, "operation", period)
    assert figures.status_code == 422 and "至少填写一项" in figures.text
    assert dw.stored() == before


def test_the_list_filters_and_pages(dw: DeclarationWorld, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("xinyong.web.subject.declarations.PAGE_ROWS", 2)
    client = log_in(dw, "acme", Role.subject, subject_id=dw.acme_id)
    for number in ("JY1", "JY2", "JY3"):
        other = {**LICENCE_FORM, "licence_number": number}
        assert declare_page(dw, "qualification", other).status_code == 303
    assert declare_page(dw, "qualification", LICENCE_FORM).status_code == 303
    first = client.get("/me/declarations")
    assert "共 4 件" in text_of(first.text) and 'rel="next"' in first.text
    second = client.get("/me/declarations?page=2")
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
    pending = text_of(client.get("/me/declarations?state=pending").text)
    assert "共 3 件" in pending and "待核验" in pending and "2026-06-30" in pending
    verified = text_of(client.get("/me/declarations?state=verified").text)
    assert "共 1 件" in verified
    assert "共 0 件" in text_of(client.get("/me/declarations?category=honour").text)
    # Nonsense filters are ignored, never an error.
    assert client.get("/me/declarations?state=x&category=y&page=z").status_code == 200


def test_another_subject_s_declaration_is_404(dw: DeclarationWorld) -> None:
    mine = dw.declared()
    with dw.w.db.transaction() as session:
        citizen = find_subject(session, CITIZEN, cipher=dw.w.db.cipher).id
    log_in(dw, "citizen", Role.subject, subject_id=citizen)
    assert dw.client.get(f"/me/declarations/{mine['id']}").status_code == 404
    assert dw.client.get("/me/declarations/123456789").status_code == 404
    # A person has no legal representative to state.
    assert "法定代表人" not in dw.client.get(f"{NEW}?category=honour").text
