-- Automatic sign-out after some idle minutes, chosen by a person for a
-- shared device. No row: their sessions last as long as everyone's.
CREATE TABLE idle_sign_out (
    user_id UUID PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    minutes BIGINT NOT NULL CHECK (minutes > 0)
);
