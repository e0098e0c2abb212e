-- The key-value engine of package storage (pg.go): every bucket of the
-- bbolt layout in one table, ordered by bytewise key within a bucket, and
-- the buckets with their sequences (the change log's Seq is the sequence
-- of the bucket "changes").
create table kv_buckets (
	name text primary key,
	seq bigint not null default 0
);

create table kv (
	bucket text not null,
	key bytea not null,
	value bytea not null,
	primary key (bucket, key)
);
