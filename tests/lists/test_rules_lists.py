"""The pure rules of lists without a database (lists/rules.py): every move an entry may make
and every one it may not, who may take each step, what an entry rests on, the red/black
cross-check and what the public sees. Their deadlines: test_rules_periods.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from fixtures.entries import (
    AUTHORITY,
    BLACK,
    OTHER,
    RED,
    TAX,
    USER_DEPARTMENT,
    WATCH,
    credit_list,
    entry,
    objection,
    provider,
    record,
    spec,
    subject,
)
from xinyong.core.auth import Principal
from xinyong.core.crypto import IdCipher
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound, XinyongError
from xinyong.lists import rules
from xinyong.lists.schemas import PersonIn
from xinyong.models import EntryState, ExitReason, LinkRole, ListKind, Record, Standing, Subject
from xinyong.models import SubjectKind as SK

TODAY = date(2026, 6, 15)
ALL_STATES = list(EntryState)
LIVE = {EntryState.notice, EntryState.candidate, EntryState.listed}
CIPHER = IdCipher(b"k" * 32)
PERSON_NUMBER = "11010519491231002X"


def code_of(call: Callable[[], object]) -> str:
    """The error code a refused call raises."""
    with pytest.raises(XinyongError) as refused:
        call()
    return refused.value.code


# --- where an entry starts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "state", "notice", "public"),
    [
        (ListKind.red, EntryState.notice, "public_notice", True),
        (ListKind.black, EntryState.notice, "prior_notice", False),
        (ListKind.watch, EntryState.candidate, None, False),
    ],
)
def test_a_new_entry_starts_in_its_kinds_notice(
    kind: ListKind, state: EntryState, notice: str | None, public: bool
) -> None:
    assert rules.first_state(kind) == state
    assert rules.noticed_publicly(kind) is public
    if notice:
        assert rules.notice_step(kind) == notice


# --- objections in a notice ---------------------------------------------------------------------


@pytest.mark.parametrize("state", ALL_STATES)
def test_an_objection_is_filed_in_the_notice_only(state: EntryState) -> None:
    e = entry(state=state)
    if state == EntryState.notice:
        rules.require_may_object(subject(1), e)
        rules.require_may_object(provider(OTHER, "court"), e)
    else:
        assert code_of(lambda: rules.require_may_object(subject(1), e)) == "not_in_notice"


def test_a_subject_objects_to_its_own_entry_only_and_learns_nothing_of_others() -> None:
    with pytest.raises(NotFound) as refused:
        rules.require_may_object(subject(2), entry(state=EntryState.notice))
    assert refused.value.code == "unknown_entry"


@pytest.mark.parametrize(("upheld", "allowed"), [(None, True), (True, False), (False, False)])
def test_an_objection_is_decided_once(upheld: bool | None, allowed: bool) -> None:
    if allowed:
        rules.require_undecided(objection(upheld))
    else:
        assert code_of(lambda: rules.require_undecided(objection(upheld))) == "already_decided"


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("upheld", [True, False])
def test_an_upheld_objection_withdraws_an_entry_in_notice_only(
    state: EntryState, upheld: bool | None
) -> None:
    withdrawn = rules.withdrawn_by_objection(entry(state=state), upheld)
    assert withdrawn is (upheld and state == EntryState.notice)


# --- confirmation -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ALL_STATES)
def test_only_an_entry_in_notice_or_a_candidate_is_confirmed(state: EntryState) -> None:
    e = entry(WATCH, state=state, notice_ends_on=date(2026, 6, 1))
    if state in (EntryState.notice, EntryState.candidate):
        rules.require_confirmable(e, [], TODAY)
    else:
        assert code_of(lambda: rules.require_confirmable(e, [], TODAY)) == "invalid_state"


def test_confirmation_waits_for_every_objection_decided() -> None:
    e = entry(state=EntryState.notice, notice_ends_on=date(2026, 6, 1))
    decided = [objection(True, 1), objection(False, 2)]
    rules.require_confirmable(e, decided, TODAY)
    with pytest.raises(Conflict) as refused:
        rules.require_confirmable(e, [*decided, objection(None, 3)], TODAY)
    assert refused.value.code == "objection_pending"
    assert refused.value.detail == {"objection_id": "3"}


def test_a_watch_candidate_is_confirmed_at_once() -> None:
    rules.require_confirmable(entry(WATCH, state=EntryState.candidate), [], TODAY)


# --- leaving the list ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("reason", [ExitReason.repair, ExitReason.revocation])
def test_the_departments_exit_of_each_state(state: EntryState, reason: ExitReason) -> None:
    e = entry(state=state)
    if state == EntryState.listed:
        assert rules.exit_move(e, reason) == EntryState.exited
    elif state in LIVE and reason == ExitReason.revocation:
        assert rules.exit_move(e, reason) == EntryState.withdrawn
    else:
        with pytest.raises(Conflict) as refused:
            rules.exit_move(e, reason)
        assert refused.value.code == "invalid_state"
        assert refused.value.detail == {"state": state.value}


@pytest.mark.parametrize(
    ("state", "move"),
    [
        (EntryState.listed, EntryState.exited),
        (EntryState.notice, EntryState.withdrawn),
        (EntryState.candidate, EntryState.withdrawn),
        (EntryState.withdrawn, None),
        (EntryState.exited, None),
    ],
)
def test_leaving_by_another_procedures_decision(state: EntryState, move: EntryState | None) -> None:
    assert rules.leaving_move(entry(state=state)) == move


@pytest.mark.parametrize(
    ("state", "move"),
    [
        (EntryState.listed, EntryState.exited),
        (EntryState.notice, EntryState.withdrawn),
        (EntryState.candidate, EntryState.withdrawn),
    ],
)
def test_a_black_listing_takes_the_subject_off_every_red_list(
    state: EntryState, move: EntryState | None
) -> None:
    assert rules.on_black_listing(entry(RED, state=state)) == move


@pytest.mark.parametrize("kind", list(ListKind))
@pytest.mark.parametrize("reason", list(ExitReason))
def test_benefits_are_recalled_from_a_wrongful_or_displaced_red_entry(
    kind: ListKind, reason: ExitReason
) -> None:
    recalled = rules.recalls_benefits(kind, reason)
    assert recalled is (
        kind == ListKind.red and reason in (ExitReason.revocation, ExitReason.black_listed)
    )


@pytest.mark.parametrize("reason", list(ExitReason))
def test_the_exit_notice_names_the_list_and_why(reason: ExitReason) -> None:
    notice = rules.exit_notice(credit_list(RED), entry(state=EntryState.exited), reason)
    assert notice.startswith("名单退出公告：编号 100 的主体因")
    assert rules.EXIT_WHY[reason] in notice and "“纳税信用A级纳税人名单”" in notice


# --- rectification and interviews ---------------------------------------------------------------


@pytest.mark.parametrize("state", ALL_STATES)
def test_a_rectification_is_accepted_of_a_listed_entry_that_orders_one(state: EntryState) -> None:
    e = entry(BLACK, state=state, rectify_by=date(2026, 7, 15))
    if state == EntryState.listed:
        rules.require_rectification_open(e)
    else:
        assert code_of(lambda: rules.require_rectification_open(e)) == "no_rectification"


def test_a_rectification_is_refused_when_none_was_ordered_or_it_is_recorded() -> None:
    none = entry(RED, state=EntryState.listed)
    assert code_of(lambda: rules.require_rectification_open(none)) == "no_rectification"
    done = entry(BLACK, state=EntryState.listed, rectify_by=TODAY, rectified_at=TODAY)
    assert code_of(lambda: rules.require_rectification_open(done)) == "already_rectified"


def test_an_interview_needs_an_entry_in_force_with_an_unmet_deadline() -> None:
    late = {"rectify_by": date(2026, 6, 1)}
    rules.require_interview_due(entry(BLACK, state=EntryState.listed, **late), TODAY)
    for e in (
        entry(BLACK, state=EntryState.listed),
        entry(BLACK, state=EntryState.exited, **late),
        entry(BLACK, state=EntryState.listed, listed_until=TODAY, **late),
    ):
        assert code_of(lambda e=e: rules.require_interview_due(e, TODAY)) == "no_rectification"
    met = entry(BLACK, state=EntryState.listed, rectified_at=TODAY, **late)
    assert code_of(lambda: rules.require_interview_due(met, TODAY)) == "rectification_not_overdue"


# --- who acts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "allowed"),
    [
        (provider(TAX, "tax"), True),
        (provider(OTHER, "tax"), True),  # any department of the sector
        (provider(OTHER, "court"), False),
        (USER_DEPARTMENT, False),
        (AUTHORITY, False),
        (subject(1), False),
    ],
)
def test_only_a_provider_of_the_lists_sector_identifies(
    principal: Principal, allowed: bool
) -> None:
    if allowed:
        rules.require_identifying(principal, credit_list(RED))
    else:
        with pytest.raises(Forbidden) as refused:
            rules.require_identifying(principal, credit_list(RED))
        assert (refused.value.code, refused.value.field) == ("not_identifying_department", "list")


@pytest.mark.parametrize(
    ("principal", "authority_too", "allowed"),
    [
        (provider(TAX), False, True),
        (provider(OTHER), False, False),
        (AUTHORITY, False, False),
        (AUTHORITY, True, True),
        (USER_DEPARTMENT, True, False),
        (subject(1), True, False),
    ],
)
def test_the_identifying_department_takes_the_entrys_steps(
    principal: Principal, authority_too: bool, allowed: bool
) -> None:
    e = entry(state=EntryState.listed)
    if allowed:
        rules.require_entry_department(principal, e, authority_too=authority_too)
    else:
        with pytest.raises(Forbidden) as refused:
            rules.require_entry_department(principal, e, authority_too=authority_too)
        assert refused.value.code == "not_identifying_department"


@pytest.mark.parametrize("reason", list(ExitReason))
def test_the_authority_may_revoke_but_not_repair(reason: ExitReason) -> None:
    assert rules.may_revoke(reason) is (reason == ExitReason.revocation)


# --- proposing ----------------------------------------------------------------------------------


def test_one_live_entry_per_list() -> None:
    rules.require_no_live_entry(None, RED)
    with pytest.raises(Conflict) as refused:
        rules.require_no_live_entry(42, RED)
    assert (refused.value.code, refused.value.detail) == ("already_listed", {"entry_id": "42"})


def test_responsible_persons_are_named_for_organisations_only() -> None:
    rules.require_responsible_persons_allowed(SK.legal_person, True)
    rules.require_responsible_persons_allowed(SK.natural_person, False)
    with pytest.raises(InvalidRequest) as refused:
        rules.require_responsible_persons_allowed(SK.natural_person, True)
    assert refused.value.field == "responsible_persons"


def test_responsible_persons_are_kept_as_references_never_plain() -> None:
    named = [PersonIn(id_number=PERSON_NUMBER, name="张三", position="财务负责人")]
    (ref,) = rules.responsible_person_refs(named, CIPHER, TODAY)
    assert PERSON_NUMBER not in ref.values()
    assert ref["id_hash"] == CIPHER.lookup_hash(PERSON_NUMBER)
    assert CIPHER.decrypt(str(ref["id_cipher"])) == PERSON_NUMBER
    assert ref["id_masked"] == "110105********002X"
    wrong = [*named, PersonIn(id_number="110105194912310021", name="李四")]
    with pytest.raises(InvalidRequest) as refused:
        rules.responsible_person_refs(wrong, CIPHER, TODAY)
    assert refused.value.field == "responsible_persons[1].id_number"


def test_those_who_answer_for_a_black_listed_organisation_once_per_role() -> None:
    cipher = CIPHER.encrypt(PERSON_NUMBER)
    linked = [
        (LinkRole.legal_representative, "张三", cipher),
        (LinkRole.principal, "张三", cipher),
        (LinkRole.actual_controller, "无号者", None),  # no ID number: passed over
        (LinkRole.responsible_person, "张三", cipher),  # the entry names them
    ]
    named = [{"id_cipher": cipher, "name": "张三", "position": "经理"}] * 2
    persons = rules.answering_persons(linked, named, CIPHER)
    assert [p.role for p in persons] == [
        LinkRole.legal_representative,
        LinkRole.principal,
        LinkRole.responsible_person,
        LinkRole.responsible_person,
    ]
    org = Subject(id=1, name="某公司", credit_code="91320100MA1X2Y3W4X", kind=SK.legal_person)
    raws = rules.responsibility_records(
        entry(BLACK, state=EntryState.listed),
        credit_list(BLACK),
        org,
        "税务局",
        persons,
        CIPHER,
        TODAY,
    )
    assert [r["fields"]["responsibility"] for r in raws] == [
        "法定代表人",
        "主要负责人",
        "直接责任人员",
    ]
    assert {r["severity"] for r in raws} == {"severe"}
    assert raws[2]["fields"]["position"] == "经理" and "position" not in raws[0]["fields"]
    assert len({r["source_id"] for r in raws}) == 3


# --- the basis ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("found", "problem"),
    [
        (None, "no such record of this subject"),
        (record("commendation"), "commendation is not a basis of list tax_a_grade"),
        (record(standing=Standing.revoked), "the record is no longer active"),
        (record(standing=Standing.repaired), "the record is no longer active"),
        (record(expires_on=TODAY), "the record is no longer active"),
        (record(), None),
        (record(expires_on=date(2026, 6, 16)), None),
    ],
)
def test_what_may_be_a_basis(found: Record | None, problem: str | None) -> None:
    got = rules.basis_problem(found, spec(RED), TODAY)
    assert (got[1] if got else None) == problem


def test_every_basis_named_must_hold_and_the_first_that_does_not_is_named() -> None:
    good, other = record(record_id=5), record(record_id=6)
    assert rules.require_basis(spec(RED), {5: good, 6: other}, [6, 5], TODAY) == [other, good]
    with pytest.raises(InvalidRequest) as refused:
        rules.require_basis(spec(RED), {5: good}, [5, 9], TODAY)
    assert (refused.value.code, refused.value.field) == ("invalid_basis", "basis_records[1]")
    assert refused.value.detail == {"record_id": "9"}


def test_the_basis_is_valid_until_its_last_record_expires() -> None:
    ends = [date(2027, 1, 1), date(2028, 3, 1)]
    assert rules.basis_valid_until([record(expires_on=d) for d in ends]) == date(2028, 3, 1)
    assert rules.basis_valid_until([record(expires_on=ends[0]), record()]) is None
    assert rules.basis_valid_until([]) is None


# --- the cross-check ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "state", "until", "blocks"),
    [
        (BLACK, EntryState.listed, None, True),
        (WATCH, EntryState.listed, None, True),
        (BLACK, EntryState.listed, date(2026, 6, 16), True),
        (BLACK, EntryState.listed, TODAY, False),  # expired today
        (BLACK, EntryState.notice, None, False),
        (BLACK, EntryState.exited, None, False),
        (RED, EntryState.listed, None, False),
    ],
)
def test_black_and_watch_entries_in_force_block_red_listing(
    code: str, state: EntryState, until: date | None, blocks: bool
) -> None:
    e = entry(code, state=state, listed_until=until)
    assert rules.blocks_red_listing(e, TODAY) is blocks


def test_a_refused_red_listing_names_a_black_entry_before_a_watch_entry() -> None:
    rules.refuse_blocked([])
    watch = entry(WATCH, state=EntryState.listed, id=1)
    black = entry(BLACK, state=EntryState.listed, id=2, listed_until=date(2029, 1, 1))
    with pytest.raises(Conflict) as refused:
        rules.refuse_blocked([watch, black])
    assert refused.value.code == "blocked_by_list"
    assert refused.value.detail["blocking_entry"] == {
        "id": "2",
        "list": BLACK,
        "kind": "black",
        "listed_until": "2029-01-01",
    }
    assert "黑名单" in refused.value.message


# --- what the public sees -----------------------------------------------------------------------


@pytest.mark.parametrize("code", [RED, BLACK, WATCH])
@pytest.mark.parametrize("state", ALL_STATES)
def test_what_the_public_sees_of_each_list(code: str, state: EntryState) -> None:
    lst, e = credit_list(code), entry(code, state=state)
    public = spec(code).disclosure == "public"
    visible = public and (
        state in (EntryState.listed, EntryState.exited)
        or (state == EntryState.notice and code == RED)
    )
    assert rules.publicly_visible(lst, e) is visible
    assert (state in rules.public_states(lst)) is visible
    assert rules.makes_subject_public(lst, e, TODAY) is (public and state == EntryState.listed)
