"""Children, cases, who may see them (grants), the timeline and audit events."""
