CREATE TABLE "flash_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"session_hash" text NOT NULL,
	"payload" text NOT NULL,
	"created_at" text NOT NULL,
	"expires_at" text NOT NULL,
	"rowid" bigint GENERATED ALWAYS AS IDENTITY (sequence name "flash_messages_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);

--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"attempt_id" text NOT NULL,
	"key_hash" text NOT NULL,
	"at" text NOT NULL,
	"rowid" bigint GENERATED ALWAYS AS IDENTITY (sequence name "login_attempts_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	CONSTRAINT "login_attempts_attempt_id_key_hash_pk" PRIMARY KEY("attempt_id","key_hash")
);

--> statement-breakpoint
CREATE TABLE "login_locks" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"locked_until" text NOT NULL,
	"rowid" bigint GENERATED ALWAYS AS IDENTITY (sequence name "login_locks_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);

--> statement-breakpoint
CREATE INDEX "flash_messages_session_idx" ON "flash_messages" USING btree ("session_hash","expires_at");
--> statement-breakpoint
CREATE INDEX "flash_messages_expires_idx" ON "flash_messages" USING btree ("expires_at");
--> statement-breakpoint
CREATE INDEX "login_attempts_key_at_idx" ON "login_attempts" USING btree ("key_hash","at");
--> statement-breakpoint
CREATE INDEX "login_attempts_at_idx" ON "login_attempts" USING btree ("at");
--> statement-breakpoint
CREATE INDEX "login_locks_until_idx" ON "login_locks" USING btree ("locked_until");
