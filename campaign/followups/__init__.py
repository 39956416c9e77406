"""Following up overdue demands: what was done, and the new due date."""
