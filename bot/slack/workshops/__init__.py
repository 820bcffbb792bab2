"""Facilitator workshops in Slack (issue 6): `/anchor workshop ...` (command.py), the steps
posted to the channel and the deliveries at the end (posting.py), the answer modal and the
facilitator's buttons (listeners/actions/workshop_*.py, listeners/views/workshop_answer.py),
the async schedule (scheduler.py), Block Kit (blocks.py) and words (texts.py). The run itself
lives in bot.workshops; this package only shows it and passes people's clicks on."""
