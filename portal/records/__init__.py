"""The records the council keeps about a child, and the people's rights over them: who has looked
at a case, the audit search, and the command that proves the audit trail is unaltered."""
