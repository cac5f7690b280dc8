"""Two-person approval (经办 prepares, 审核 approves; issue 14): a decision a person of a
department prepares waits in ``pending_decisions`` until another person of the same
department, a 审核, approves it — the step is then taken, as the approver — or returns it to
the preparer with a reason.

- rules: who prepares, who approves (never the preparer: ``same_person``, 403), states.
- kinds: the registry kind → executor; adding a kind is one entry (see its docstring).
- repository: named reads of ``pending_decisions``.
- service: prepare, approve, return, withdraw; every one an audit entry, the approval's naming
  both persons (``prepared_by``, ``approved_by``; the actor is the approver).
"""
