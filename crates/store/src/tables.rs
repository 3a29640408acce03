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

    /// `INSERT INTO t (a, b) VALUES (p(1), p(2))`, with the backend's
    /// placeholder style.
    pub(crate) fn insert_sql(&self, placeholder: impl Fn(usize) -> String) -> String {
        let placeholders = (1..=self.columns.len())
            .map(placeholder)
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO {} ({}) VALUES ({placeholders})",
            self.name,
            self.column_list()
        )
    }
}

/// In an order that satisfies every foreign key.
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "meta",
        columns: &[("name", Column::Text), ("value", Column::Bytes)],
    },
    Table {
        name: "users",
        columns: &[
            ("id", Column::Uuid),
            ("email", Column::Text),
            ("password_hash", Column::Text),
            ("created_at", Column::Int),
            ("recovery_codes_shown", Column::Bool),
        ],
    },
    Table {
        name: "recovery_codes",
        columns: &[("user_id", Column::Uuid), ("code_hash", Column::Bytes)],
    },
    Table {
        name: "sessions",
        columns: &[
            ("id", Column::Uuid),
            ("user_id", Column::Uuid),
            ("token_hash", Column::Bytes),
            ("created_at", Column::Int),
            ("last_seen_at", Column::Int),
            ("device", Column::Text),
        ],
    },
    Table {
        name: "couple_members",
        columns: &[
            ("user_id", Column::Uuid),
            ("couple_id", Column::Uuid),
            ("joined_at", Column::Int),
        ],
    },
    Table {
        name: "invites",
        columns: &[
            ("token_hash", Column::Bytes),
            ("couple_id", Column::Uuid),
            ("created_by", Column::Uuid),
            ("created_at", Column::Int),
            ("expires_at", Column::Int),
            ("used_at", Column::Int),
            ("used_by", Column::Uuid),
        ],
    },
    Table {
        name: "stream_keys",
        columns: &[
            ("stream_id", Column::Text),
            ("wrapped_key", Column::Bytes),
            ("created_at", Column::Int),
        ],
    },
    Table {
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
        ],
    },
];

/// A restore loads every row but the target's own key check, which `open`
/// wrote with the same master key the backup was checked against.
pub(crate) fn restores_row(table: &Table, row: &[Value]) -> bool {
    !(table.name == "meta"
        && matches!(row.first(), Some(Value::Text(Some(name))) if name == crate::record::KEY_CHECK))
}

/// How many rows a copy moves at a time.
pub(crate) const COPY_PAGE: i64 = 500;
