"""First person to second person, word by word: what a coach says back ("my board" -> "your
board"). Shared by the GROW echo (bot/coach/flows/voice.py) and the reflection that opens a
free-form reply (bot/coach/reflect.py)."""

from __future__ import annotations

# by the lower-cased word with a straight apostrophe
SECOND_PERSON = {
    "i": "you",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we": "you",
    "us": "you",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "we're": "you're",
    "we've": "you've",
    "we'd": "you'd",
    "we'll": "you'll",
}
