"""People who log in, as their department's staff (issue 14): personal accounts with a staff
role inside a department (经办 handler, 审核 reviewer, 管理员 admin), managed by the
department's administrator; one-time set-up links by which a new person sets its own password;
and how the audit log's actors are named for people to read.

- rules: user names, passwords, who may manage whom, set-up links' validity, the Chinese name
  of an actor (``actor_label``; pure).
- repository: named reads of ``users`` and ``user_setup_links``.
- schemas: the forms' bodies.
- service: create an account, add staff, change a role, disable, set-up links, and
  ``actor_labels`` — the actors of a page or a CSV export as people read them.
"""
