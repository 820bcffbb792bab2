"""Small synthetic sets in the formats of the sealed retrieval and themes sets, written to a
folder by the tests (the real sealed sets are never opened by a test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DIRECTORY = [
    "Amara Okafor",
    "Bethan Price",
    "Callum Reid",
    "Deepa Nair",
    "Eilidh Fraser",
    "Farid Haddad",
    "Grace Mensah",
    "Huw Jenkins",
    "Imogen Clarke",
    "Jonah Adeyemi",
    "Kirsty Doyle",
    "Laszlo Varga",
    "Maryam Siddiqui",
    "Niall Brennan",
]
# An outsider (not in the directory), written in lower case after "dr": only the scrubber
# removes it, so it reaches a report when the scrubber is bypassed.
OUTSIDER = "okonkwo"
PHONE = "07700 900417"

THEMES: dict[str, list[str]] = {
    "discharge": [
        "delayed discharge is filling our medical wards again and dr okonkwo wants answers",
        "dr okonkwo says the discharge lounge is full of patients waiting for care packages",
        "we have forty patients medically fit for discharge but no home care to send them to",
        "the discharge to assess beds are blocked and dr okonkwo is escalating to the board",
        "social care packages for discharge take a fortnight to arrange, dr okonkwo is fuming",
        "our discharge hub cannot find home care capacity, dr okonkwo keeps asking me why",
    ],
    "workforce": [
        "nursing vacancies are at twelve percent and agency spend keeps climbing",
        "our nurses are exhausted by the vacancies and the agency shifts we cannot fill",
        "recruitment of nurses from overseas has stalled and vacancies are growing",
        "staff sickness and vacancies mean the rota is held together by agency nurses",
        "retention of experienced nurses is our biggest risk with vacancies this high",
        "agency nurses cover a third of shifts because of vacancies in the community team",
    ],
    "budget": [
        "the system deficit means every partner is being asked for savings this year",
        "our financial plan shows a deficit and the savings target feels impossible",
        "the budget gap is forcing us to cut services to hit the savings target",
        "finance directors are arguing over who carries the deficit in the system plan",
        "the savings programme will not close the deficit without cutting posts",
        "the capital budget was cut again and the deficit recovery plan is slipping",
    ],
    "digital": [
        "the shared care record still cannot show social care notes to our clinicians",
        "interoperability between the gp systems and the hospital record is broken",
        "the shared care record login fails for every council social worker we have",
    ],
}
TITLES = {
    "discharge": "Delayed discharge and social care",
    "workforce": "Nursing vacancies and agency staff",
    "budget": "Deficits and savings",
    "digital": "Shared care record",
}
# Who writes about what: leader numbers (1-based positions in DIRECTORY).
WRITERS = {
    "discharge": [1, 2, 3, 4, 5, 6, 7, 8],
    "workforce": [5, 6, 7, 8, 9, 10, 11, 12],
    "budget": [1, 3, 9, 10, 11, 13, 14],
    "digital": [2, 12, 14],  # three leaders: under k = 5, never to be shown
}
CHATTER = [
    "thanks all, see you at the session on thursday",
    "morning everyone, running late for the call",
]


def themes_corpus() -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    for theme, leaders in WRITERS.items():
        lines = THEMES[theme]
        for n, leader in enumerate(leaders):
            for j in range(3):
                text = lines[(n + j) % len(lines)]
                if theme == "workforce" and j == 0:
                    text = f"{DIRECTORY[(leader + 1) % len(DIRECTORY)]} told me {text}"
                if theme == "budget" and j == 1:
                    text = f"{text}, ring me on {PHONE}"
                messages.append(
                    {"leader": leader, "day": (n * 7 + j * 11) % 90, "theme": theme, "text": text}
                )
    for n, text in enumerate(CHATTER * 3):
        messages.append({"leader": 1 + n % 14, "day": 5 + n, "theme": None, "text": text})
    return {
        "directory": DIRECTORY,
        "themes": {t: {"title": title} for t, title in TITLES.items()},
        "messages": messages,
        "planted": [OUTSIDER, PHONE, "Amara Okafor", "Laszlo Varga"],
    }


def retrieval_set() -> dict[str, Any]:
    return {
        "questions": [
            {
                "q": "The trust chief executive keeps blocking our shared bed plan.",
                "role": "Director of Strategy",
                "feeling": "",
                "cards": ["interests-not-positions", "leading-without-authority"],
            },
            {
                "q": "Partners agree in the meeting and then nothing happens.",
                "role": "",
                "feeling": "frustration",
                "cards": ["reaching-consensus"],
            },
            {"q": "A question whose writer named no card.", "cards": []},
        ],
        "out_of_scope": [{"q": "What's the weather in Leeds?"}],
    }


def write(folder: Path, name: str, data: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder
