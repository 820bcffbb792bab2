"""Settings: the only module that reads the environment.

Every field is documented in the README's configuration table (a test keeps them in step).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Anchor's configuration, read from ``ANCHOR_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="ANCHOR_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(
        default=Path(".anchor"),
        description="Folder for the database, the index and the generated encryption key.",
    )
    knowledge_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge", description="Folder of knowledge cards (*.md)."
    )
    kb_review_months: int = Field(
        default=12,
        ge=1,
        le=120,
        description="Months after a card's `reviewed:` date before `anchor kb check` warns "
        "that its facts are due for another check.",
    )
    prompts_dir: Path = Field(
        default=PROJECT_ROOT / "prompts",
        description="Folder of prompts: safety signposts, coaching templates, flows.",
    )
    index_dir_override: Path | None = Field(
        default=None,
        alias="ANCHOR_INDEX_DIR",
        description="Folder for the knowledge index; default is `<data_dir>/index`.",
    )
    llm: str = Field(
        default="offline",
        description="`offline` (the built-in composer) or `provider:model` for an LLM.",
    )
    llm_timeout: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="Seconds to wait for the LLM before the offline reply.",
    )
    llm_base_url: str | None = Field(
        default=None, description="Base URL for an OpenAI-compatible or self-hosted LLM endpoint."
    )
    scrub_llm_input: bool = Field(
        default=True, description="Scrub personal details from text before it goes to an LLM."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; default is SQLite at `<data_dir>/anchor.db`.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (`chroma run`); default is an embedded store.",
    )
    encryption_key: SecretStr | None = Field(
        default=None,
        description="Fernet key for everything encrypted at rest (`anchor keygen` makes one). "
        "`anchor serve` needs it here or in ANCHOR_ENCRYPTION_KEY_FILE; only the terminal "
        "commands fall back to a key generated into the data folder.",
    )
    encryption_key_file: Path | None = Field(
        default=None,
        description="A file holding the encryption key, outside the data folder: a file "
        "readable only by Anchor, or a secret mounted by Docker, Kubernetes or a secrets "
        "manager (e.g. `/run/secrets/anchor-key`).",
    )
    eap_line: str = Field(
        default="your organisation's employee assistance programme (EAP) or occupational health",
        description="How to reach the local employee assistance programme, shown in signposting.",
    )
    max_message_chars: int = Field(
        default=4000, ge=200, description="Longer messages are truncated, with a note."
    )
    top_k: int = Field(default=5, ge=1, le=50, description="Passages retrieved per question.")
    log_level: str = Field(default="WARNING", description="Python log level for Anchor's logs.")

    # Programme teams, facilitators, themes, retention
    min_cohort: int = Field(
        default=5,
        ge=2,
        le=100,
        description="Fewest distinct leaders behind any theme, count or cohort that is shown.",
    )
    privacy_epsilon: float = Field(
        default=10.0,
        gt=0,
        le=100,
        description="Differential privacy: the epsilon one new programme report spends, shared "
        "across its counts (smaller: noisier counts).",
    )
    privacy_budget: float = Field(
        default=40.0,
        gt=0,
        description="Differential privacy: the epsilon all new programme reports may spend in "
        "one calendar month (UTC); an identical request replays its report and spends nothing.",
    )
    privacy_noise_seed: int | None = Field(
        default=None,
        description="Tests only: draw the reports' noise from this seed instead of OpenDP's "
        "secure sampler, so figures repeat. Never set it in a deployment.",
    )
    programme_team: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated Slack user IDs (U...) or user-group IDs (S...) who may see "
        "themes and engagement reports.",
    )
    facilitators: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated Slack user IDs or user-group IDs who may run workshops.",
    )
    workshop_min_people: int = Field(
        default=3,
        ge=2,
        le=100,
        description="Fewest distinct participants behind any workshop tally or summary figure.",
    )
    cohorts_file: Path | None = Field(
        default=None,
        description="YAML mapping each cohort name (e.g. a programme intake) to its members' "
        "Slack user IDs, for `--cohort`.",
    )
    organisations_file: Path | None = Field(
        default=None,
        description="YAML list of organisation names to scrub; default is the shipped list.",
    )
    retention_days: int = Field(
        default=365,
        ge=1,
        description="Days a conversation is kept after its last message, then deleted.",
    )
    theme_retention_days: int = Field(
        default=180,
        ge=1,
        description="Days a scrubbed copy of a message is kept for themes, then deleted.",
    )
    audit_retention_days: int = Field(
        default=730,
        ge=1,
        description="Days an entry in the audit log of programme reports is kept, then deleted.",
    )
    outbox_retention_days: int = Field(
        default=7,
        ge=1,
        description="Days a Slack message in the outbox is kept after it was queued (sent, "
        "given up or still waiting), then deleted.",
    )
    maintenance_interval: float = Field(
        default=3600,
        ge=0,
        description="Seconds between retention purges while serving; 0 turns them off.",
    )
    directory_refresh: float = Field(
        default=21600,
        ge=0,
        description="Seconds between refreshes of the Slack directory names the scrubber "
        "removes; 0 never reads the directory.",
    )

    # Slack: the standard variable names Slack's own tools use, plus Anchor's own settings
    slack_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias="SLACK_BOT_TOKEN",
        description="The bot token (xoxb-...) from the app's OAuth & Permissions page.",
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias="SLACK_SIGNING_SECRET",
        description="Signing secret from the app's Basic Information page (HTTP mode).",
    )
    slack_app_token: SecretStr | None = Field(
        default=None,
        validation_alias="SLACK_APP_TOKEN",
        description="App-level token (xapp-...) with connections:write, for Socket Mode.",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias="SLACK_API_URL",
        description="Base URL of the Slack Web API (tests, GovSlack).",
    )
    slack_rate_limit: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="Messages per person per minute before Anchor asks them to slow down.",
    )
    slack_workers: int = Field(
        default=8,
        ge=1,
        le=64,
        description="Threads that run coaching turns after Slack is acknowledged.",
    )
    slack_nudge_hour: int = Field(
        default=9,
        ge=0,
        le=16,
        description="Local hour (weekdays, until 17:00) from which goal follow-ups are sent.",
    )
    slack_followup_interval: float = Field(
        default=900,
        ge=0,
        description="Seconds between checks for due goal follow-ups; 0 turns them off.",
    )
    slack_shutdown_timeout: float = Field(
        default=25, ge=0, description="Seconds to finish work in hand when the server stops."
    )
    slack_max_body_bytes: int = Field(
        default=512 * 1024,
        ge=1024,
        description="Largest request body /slack/events accepts (HTTP mode); larger gets 413.",
    )
    outbox_give_up_failures: int = Field(
        default=10,
        ge=1,
        description="A Slack message in the outbox is given up after this many failed tries...",
    )
    outbox_give_up_minutes: float = Field(
        default=30,
        ge=0,
        description="...and only once this many minutes have passed since its first failure.",
    )
    outbox_backoff: float = Field(
        default=0.5,
        gt=0,
        le=60,
        description="Seconds before the first retry of a failed Slack call; doubles each try.",
    )
    outbox_backoff_max: float = Field(
        default=300,
        gt=0,
        description="Longest wait between two tries of one message (Retry-After may ask more).",
    )
    outbox_lease_seconds: float = Field(
        default=120,
        ge=5,
        description="How long a worker holds a message it is sending before another may take it.",
    )

    @field_validator("llm")
    @classmethod
    def _llm_shape(cls, value: str) -> str:
        value = value.strip()
        if value != "offline" and ":" not in value:
            raise ValueError("use 'offline' or 'provider:model', e.g. 'openai:gpt-4.1-mini'")
        return value

    @field_validator("programme_team", "facilitators", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, e.g. https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'anchor.db').resolve()}"

    @property
    def index_dir(self) -> Path:
        return self.index_dir_override or self.data_dir / "index"
