//! Every table a backup carries, described once, so that backup and restore
//! copy rows between any two backends the same way.

use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Int,
    Text,
    Bytes,
    Uuid,
    Bool,
}

/// One cell, typed by its column. `None` is SQL NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Uuid(Option<Uuid>),
    Bool(Option<bool>),
}

/// A present text argument.
pub(crate) fn text(value: &str) -> Value {
    Value::Text(Some(value.to_string()))
}

/// A present bytes argument.
pub(crate) fn bytes(value: &[u8]) -> Value {
    Value::Bytes(Some(value.to_vec()))
}

/// A present integer argument.
pub(crate) fn int(value: i64) -> Value {
    Value::Int(Some(value))
}

/// A present id argument.
pub(crate) fn uuid(value: Uuid) -> Value {
    Value::Uuid(Some(value))
}

pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Column)],
}

impl Table {
    pub(crate) fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `INSERT INTO t (a, b) VALUES ($1, $2)`.
    pub(crate) fn insert_sql(&self) -> String {
        self.insert_rows_sql(1)
    }

    /// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` for `rows` rows.
    pub(crate) fn insert_rows_sql(&self, rows: usize) -> String {
        let width = self.columns.len();
        let values = (0..rows)
            .map(|row| {
                let placeholders = (1..=width)
                    .map(|n| format!("${}", row * width + n))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({placeholders})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO {} ({}) VALUES {values}",
            self.name,
            self.column_list()
        )
    }

    /// `SELECT a, b FROM t ` followed by `rest` (a `WHERE`, an `ORDER BY`).
    pub(crate) fn select_sql(&self, rest: &str) -> String {
        format!("SELECT {} FROM {} {rest}", self.column_list(), self.name)
    }
}

pub(crate) const META: Table = Table {
    name: "meta",
    columns: &[("name", Column::Text), ("value", Column::Bytes)],
};

pub(crate) const USERS: Table = Table {
    name: "users",
    columns: &[
        ("id", Column::Uuid),
        ("email", Column::Text),
        ("password_hash", Column::Text),
        ("created_at", Column::Int),
        ("recovery_codes_shown", Column::Bool),
    ],
};

pub(crate) const RECOVERY_CODES: Table = Table {
    name: "recovery_codes",
    columns: &[("user_id", Column::Uuid), ("code_hash", Column::Bytes)],
};

pub(crate) const SESSIONS: Table = Table {
    name: "sessions",
    columns: &[
        ("id", Column::Uuid),
        ("user_id", Column::Uuid),
        ("token_hash", Column::Bytes),
        ("created_at", Column::Int),
        ("last_seen_at", Column::Int),
        ("device", Column::Text),
    ],
};

pub(crate) const COUPLE_MEMBERS: Table = Table {
    name: "couple_members",
    columns: &[
        ("user_id", Column::Uuid),
        ("couple_id", Column::Uuid),
        ("joined_at", Column::Int),
        // 1 or 2, unique per space: a space has two places and no third.
        ("slot", Column::Int),
    ],
};

pub(crate) const INVITES: Table = Table {
    name: "invites",
    columns: &[
        ("token_hash", Column::Bytes),
        ("couple_id", Column::Uuid),
        ("created_by", Column::Uuid),
        ("created_at", Column::Int),
        ("expires_at", Column::Int),
        ("used_at", Column::Int),
        ("used_by", Column::Uuid),
        ("declined_at", Column::Int),
    ],
};

/// One-time links to a therapist proposal, by the hash of their token only.
pub(crate) const THERAPIST_INVITES: Table = Table {
    name: "therapist_invites",
    columns: &[
        ("token_hash", Column::Bytes),
        ("couple_id", Column::Uuid),
        ("proposal", Column::Int),
        ("created_by", Column::Uuid),
        ("created_at", Column::Int),
        ("expires_at", Column::Int),
        ("used_at", Column::Int),
        ("used_by", Column::Uuid),
    ],
};

/// Which couples a therapist serves, and through which proposal; the
/// couple's record decides whether that still opens anything.
pub(crate) const THERAPIST_COUPLES: Table = Table {
    name: "therapist_couples",
    columns: &[
        ("therapist_id", Column::Uuid),
        ("couple_id", Column::Uuid),
        ("proposal", Column::Int),
        ("since", Column::Int),
    ],
};

/// Shared spaces a partner ended, until their record is destroyed.
pub(crate) const SPACE_ENDINGS: Table = Table {
    name: "space_endings",
    columns: &[
        ("couple_id", Column::Uuid),
        ("ended_at", Column::Int),
        ("destroy_after", Column::Int),
    ],
};

/// Who chose to be signed out after some idle minutes (a shared device).
pub(crate) const IDLE_SIGN_OUT: Table = Table {
    name: "idle_sign_out",
    columns: &[("user_id", Column::Uuid), ("minutes", Column::Int)],
};

/// The reminder kinds a person opted into, each at a minute of their day.
pub(crate) const REMINDER_CHOICES: Table = Table {
    name: "reminder_choices",
    columns: &[
        ("user_id", Column::Uuid),
        ("kind", Column::Text),
        ("at_minute", Column::Int),
    ],
};

/// One-click unsubscribe links, by the hash of their token only.
pub(crate) const UNSUBSCRIBE_TOKENS: Table = Table {
    name: "unsubscribe_tokens",
    columns: &[
        ("token_hash", Column::Bytes),
        ("user_id", Column::Uuid),
        ("kind", Column::Text),
        ("created_at", Column::Int),
    ],
};

/// Reminders decided, one row per person and occasion, claimed by the
/// instance that decided it before it sends anything.
pub(crate) const REMINDER_CLAIMS: Table = Table {
    name: "reminder_claims",
    columns: &[
        ("user_id", Column::Uuid),
        ("occasion", Column::Text),
        ("claimed_at", Column::Int),
    ],
};

pub(crate) const STREAM_KEYS: Table = Table {
    name: "stream_keys",
    columns: &[
        ("stream_id", Column::Text),
        ("wrapped_key", Column::Bytes),
        ("created_at", Column::Int),
    ],
};

pub(crate) const EVENTS: Table = Table {
    name: "events",
    columns: &[
        ("stream_id", Column::Text),
        ("seq", Column::Int),
        ("prev_hash", Column::Bytes),
        ("hash", Column::Bytes),
        ("author", Column::Text),
        ("kind", Column::Text),
        ("created_at", Column::Int),
        ("payload_ciphertext", Column::Bytes),
        ("payload_hash", Column::Bytes),
        ("format", Column::Int),
    ],
};

/// Each stream's sealed head.
pub(crate) const STREAM_SEALS: Table = Table {
    name: "stream_seals",
    columns: &[
        ("stream_id", Column::Text),
        ("seq", Column::Int),
        ("seal", Column::Bytes),
    ],
};

/// The store's proof beside each event whose ciphertext a redaction removed.
pub(crate) const REDACTIONS: Table = Table {
    name: "redactions",
    columns: &[
        ("stream_id", Column::Text),
        ("seq", Column::Int),
        ("proof", Column::Bytes),
    ],
};

/// What a destroyed stream leaves: its sealed deletion record.
pub(crate) const STREAM_DELETIONS: Table = Table {
    name: "stream_deletions",
    columns: &[
        ("stream_id", Column::Text),
        ("last_seq", Column::Int),
        ("last_hash", Column::Bytes),
        ("deleted_at", Column::Int),
        ("reason", Column::Text),
        ("seal", Column::Bytes),
    ],
};

/// Each stream's newest snapshot of the app's state, encrypted like a
/// payload. Not in [`TABLES`]: only a cache, which a backup leaves out and
/// a restore does without (each stream is folded from its events once).
pub(crate) const STREAM_SNAPSHOTS: Table = Table {
    name: "stream_snapshots",
    columns: &[
        ("stream_id", Column::Text),
        ("seq", Column::Int),
        ("format", Column::Int),
        ("head", Column::Bytes),
        ("ciphertext", Column::Bytes),
        ("created_at", Column::Int),
    ],
};

/// Used submission keys: hashes and where the first event landed, nothing
/// about what was submitted.
pub(crate) const SUBMISSIONS: Table = Table {
    name: "submissions",
    columns: &[
        ("user_id", Column::Uuid),
        ("key_hash", Column::Bytes),
        ("request_hash", Column::Bytes),
        ("stream_id", Column::Text),
        ("seq", Column::Int),
        ("created_at", Column::Int),
    ],
};

/// Every table, in an order that satisfies every foreign key.
pub(crate) const TABLES: &[Table] = &[
    META,
    USERS,
    IDLE_SIGN_OUT,
    REMINDER_CHOICES,
    UNSUBSCRIBE_TOKENS,
    REMINDER_CLAIMS,
    RECOVERY_CODES,
    SESSIONS,
    COUPLE_MEMBERS,
    INVITES,
    THERAPIST_INVITES,
    THERAPIST_COUPLES,
    SPACE_ENDINGS,
    STREAM_KEYS,
    EVENTS,
    STREAM_SEALS,
    REDACTIONS,
    STREAM_DELETIONS,
    SUBMISSIONS,
];

/// Whether a backup carries `table`. Sessions stay out: a restore must not
/// bring back sessions ended after the backup was made.
pub(crate) fn backed_up(table: &Table) -> bool {
    table.name != SESSIONS.name
}

/// A restore loads every row but the target's own key check, which `open`
/// wrote with the same master key the backup was checked against (and no
/// session, should an older backup hold any).
pub(crate) fn restores_row(table: &Table, row: &[Value]) -> bool {
    if !backed_up(table) {
        return false;
    }
    !(table.name == "meta"
        && matches!(row.first(), Some(Value::Text(Some(name))) if name == crate::record::KEY_CHECK))
}

/// How many rows a copy moves at a time.
pub(crate) const COPY_PAGE: i64 = 500;
