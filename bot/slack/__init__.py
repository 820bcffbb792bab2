"""Anchor in Slack: a Bolt app whose handlers translate between Slack and the coach."""
