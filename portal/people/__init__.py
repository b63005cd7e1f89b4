"""People on a case: the council gives, changes and ends access to one case (case grants)."""
