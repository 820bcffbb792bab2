"""Programme teams: anonymised themes and engagement figures across leaders, with the
anonymity rules, roles and audit enforced here (the service layer), and reports to read."""
