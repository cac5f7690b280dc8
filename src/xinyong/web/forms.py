"""The plumbing of every page module's forms: bad input as a problem with a message per field,
a form validated as the API's body model with Chinese messages, a service's refusal as the
form's message (in a savepoint, so what it began is undone), numbers from an address within
the ids' bounds, the request's now and today, a page, a redirect and a file download."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from xinyong.core.api import MAX_BIGINT, clock
from xinyong.core.clock import local_date
from xinyong.errors import XinyongError
from xinyong.rights import evidence
from xinyong.rights.step import Step
from xinyong.web.site import Visitor, render

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
# Page numbers of a table: anything beyond is the last page a person could reach anyway.
LAST_PAGE = 100_000


class Problem(Exception):
    """Bad input on a form: a message per field ("" for the form as a whole), the status the
    re-rendered form answers with, and a refusal's detail (a repair's conditions)."""

    def __init__(
        self, errors: dict[str, str], status: int = 422, detail: dict | None = None
    ) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status
        self.detail = detail or {}

    @property
    def rows(self) -> list[dict[str, str]]:
        """The messages as a list of field and message, for the pages that list them all."""
        return [{"field": field, "message": message} for field, message in self.errors.items()]


# ---- The request: who, when


def page_visitor(request: Request) -> Visitor:
    return request.state.visitor  # set by the audience check (web/site.audience)


def request_now(request: Request) -> datetime:
    return clock(request).now()


def request_today(request: Request) -> date:
    """The request's day in the platform's time zone (core/clock.py: the injectable clock)."""
    return local_date(request_now(request))


def request_step(request: Request) -> Step:
    """Who acts, when, in which process: what every procedure service takes (as the API)."""
    return Step(request.app.state.collection, page_visitor(request).principal, request_now(request))


# ---- Input


def parse_int(value: str | None, *, high: int = MAX_BIGINT) -> int | None:
    """A number from an address or a form: ASCII digits, 1 to ``high`` (ids are 64-bit,
    core/api.py); None for anything else, so that a filter never fails."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    number = int(text)
    return number if 1 <= number <= high else None


def page_number(value: str | None) -> int:
    """A table's page from the address: 1 for anything that is not a page number."""
    return parse_int(value, high=LAST_PAGE) or 1


def form_text(form: Any, name: str, limit: int = 10_000) -> str:
    """A text field of a multipart form read by hand ("" for a file or a missing field)."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


PYDANTIC_MESSAGES = {
    "missing": "必填",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为文本",
    "string_pattern_mismatch": "格式不符",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "literal_error": "取值无效，请从选项中选择",
    "enum": "取值无效，请从选项中选择",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "bool_parsing": "请选择是或否",
    "bool_type": "请选择是或否",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "greater_than": "超出范围",
    "greater_than_equal": "超出范围",
    "less_than": "超出范围",
    "less_than_equal": "超出范围",
}


def pydantic_message(error: Any) -> str:
    """A pydantic error in Chinese, with the bound it broke when it has one."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return "不能为空" if least <= 1 else f"至少 {least} 个字"
    if kind == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return "至少需要一项" if least <= 1 else f"至少 {least} 项"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    return PYDANTIC_MESSAGES.get(kind, "取值无效")


def form_field(name: str, fields: dict[str, str] | None) -> str:
    """The form's field for a model's or a service's field name: renamed by ``fields``; with
    no ``fields`` the form's names are the model's; a name the form does not have is the
    form's as a whole ("")."""
    if fields is None:
        return name
    return fields.get(name, name if name in fields.values() else "")


def validated(model: type[M], data: dict[str, Any], fields: dict[str, str] | None = None) -> M:
    """The form's data as the API's body model; its errors as messages of the form's fields
    (the first for each), an item of a list named by its number."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = error.get("loc", ())
            name = form_field(str(loc[0]) if loc else "", fields)
            where = f"第 {loc[1] + 1} 项：" if len(loc) > 1 and isinstance(loc[1], int) else ""
            errors.setdefault(name, where + pydantic_message(error))
        raise Problem(errors) from None


def _json_path(loc: tuple, data: Any) -> str:
    """A pydantic location as a path in the JSON (items[3].fields[2].label), naming the item
    or measure by its code when it has one."""
    path = ""
    node = data
    named = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("code"), str) and not named:
                named = node["code"]
        else:
            path += f".{part}" if path else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    path = path or "（整体）"
    return f"{path}（{named}）" if named else path


def validated_json(model: type[M], data: Any, *, most: int = 50) -> M:
    """A JSON document (a catalog, a measures list, a year) as the API's body model; its
    errors by their path in the document, each with pydantic's own words after the Chinese
    (a validator's reason is only there)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors()[:most]:
            loc = tuple(
                p
                for p in error.get("loc", ())
                if p != "body" and not (isinstance(p, str) and p.startswith("function-"))
            )
            detail = str(error.get("msg", "")).removeprefix("Value error, ")
            errors.setdefault(_json_path(loc, data), f"{pydantic_message(error)}：{detail}")
        raise Problem(errors) from None


def json_input(text: str, upload: Any, *, limit: int) -> Any:
    """JSON pasted into the form's ``json`` field or uploaded as its ``file``."""
    raw: str | bytes | None = None
    if upload is not None and upload.filename:
        data = upload.file.read(limit + 1)
        if len(data) > limit:
            raise Problem({"file": f"文件超过 {limit // (1024 * 1024)} MB"}, status=413)
        raw = data or None
    if raw is None:
        if not text.strip():
            raise Problem({"json": "请粘贴 JSON 内容或选择文件"})
        raw = text.lstrip("\ufeff")
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise Problem({"file": "文件应为 UTF-8 编码的 JSON"}) from None
    except json.JSONDecodeError as exc:
        raise Problem(
            {"json": f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}"}
        ) from None


# ---- A service's refusal


def field_of(exc: XinyongError, fields: dict[str, str] | None = None) -> str:
    """The form field a service error names: ``basis_records[2]`` → ``basis_records``."""
    return form_field(re.split(r"[\[.]", exc.field or "", maxsplit=1)[0], fields)


def refusal(
    exc: XinyongError, fields: dict[str, str] | None = None, *, path: bool = False
) -> Problem:
    """A service's refusal as the form's problem: beside the field it names (``path``: a
    document's pages keep the whole path, items[3].code)."""
    whole = exc.field or ""
    name = (fields or {}).get(whole, whole) if path else field_of(exc, fields)
    return Problem({name: exc.message}, status=exc.status, detail=exc.detail)


def attempt(
    session: Session,
    action: Callable[[], T],
    fields: dict[str, str] | None = None,
    *,
    path: bool = False,
) -> T:
    """Run a service call in a savepoint: a refusal (403, 409, 422, …) undoes all it began
    and becomes the form's message, while the request's own transaction goes on."""
    try:
        with session.begin_nested():
            return action()
    except XinyongError as exc:
        raise refusal(exc, fields, path=path) from None


# ---- Answers


def page(request: Request, name: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    return render(request, page_visitor(request), name, status_code=status_code, **context)


def redirect(path: str, **query: Any) -> RedirectResponse:
    """303 to ``path`` with the query's non-empty values."""
    shown = {k: v for k, v in query.items() if v not in (None, "")}
    return RedirectResponse(path + (f"?{urlencode(shown)}" if shown else ""), status_code=303)


def download(body: str | bytes, filename: str, media_type: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def evidence_download(request: Request, session: Session, file_id: int) -> Response:
    """An evidence file of a procedure the visitor may see, read and audited as GET
    /api/v1/evidence/{id} reads it (rights/evidence.read); others are 404."""
    row = evidence.read(session, page_visitor(request).principal, file_id, now=request_now(request))
    return download(row.content, f"file-{row.id}", row.content_type)


def csv_download(text: str, filename: str) -> Response:
    # With a BOM: spreadsheet programs read it as UTF-8 then.
    return download("\ufeff" + text, filename, "text/csv; charset=utf-8")


def json_download(body: Any, filename: str) -> Response:
    """JSON as people edit it: Chinese as it is, indented."""
    return download(
        json.dumps(body, ensure_ascii=False, indent=2), filename, "application/json; charset=utf-8"
    )
