CREATE TABLE "case_outside_referrals" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"service" text NOT NULL,
	"to_name" text NOT NULL,
	"wilayah_code" text,
	"reason" text NOT NULL,
	"status" text DEFAULT 'sent' NOT NULL,
	"referred_at" text NOT NULL,
	"referred_by" text,
	"answer" text,
	"answered_at" text,
	"answered_by" text,
	"rowid" bigint GENERATED ALWAYS AS IDENTITY (sequence name "case_outside_referrals_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);

--> statement-breakpoint
CREATE TABLE "case_transfers" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"from_pendamping_id" text,
	"to_pendamping_id" text NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"requested_at" text NOT NULL,
	"requested_by" text,
	"answered_at" text,
	"answered_by" text,
	"answer_note" text,
	"rowid" bigint GENERATED ALWAYS AS IDENTITY (sequence name "case_transfers_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);

--> statement-breakpoint
CREATE TABLE "family_cases" (
	"id" text PRIMARY KEY NOT NULL,
	"kk" text NOT NULL,
	"note" text,
	"created_at" text NOT NULL,
	"created_by" text,
	"rowid" bigint GENERATED ALWAYS AS IDENTITY (sequence name "family_cases_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1)
);

--> statement-breakpoint
ALTER TABLE "case_follow_ups" ADD COLUMN "owner_id" text;
--> statement-breakpoint
ALTER TABLE "case_follow_ups" ADD COLUMN "owner_contact" text;
--> statement-breakpoint
ALTER TABLE "case_plan_items" ADD COLUMN "note" text;
--> statement-breakpoint
ALTER TABLE "case_plan_items" ADD COLUMN "status" text DEFAULT 'planned' NOT NULL;
--> statement-breakpoint
ALTER TABLE "case_plan_items" ADD COLUMN "status_at" text;
--> statement-breakpoint
ALTER TABLE "case_plan_items" ADD COLUMN "status_by" text;
--> statement-breakpoint
ALTER TABLE "case_plan_items" ADD COLUMN "status_reason" text;
--> statement-breakpoint
ALTER TABLE "case_services" ADD COLUMN "plan_item_id" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "family_case_id" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "evaluation" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "evaluated_at" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "evaluated_by" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "closed_at" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "closed_by" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "close_outcome" text;
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "close_note" text;
--> statement-breakpoint
ALTER TABLE "case_outside_referrals" ADD CONSTRAINT "case_outside_referrals_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_from_pendamping_id_users_id_fk" FOREIGN KEY ("from_pendamping_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "case_transfers" ADD CONSTRAINT "case_transfers_to_pendamping_id_users_id_fk" FOREIGN KEY ("to_pendamping_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "case_outside_referrals_case_idx" ON "case_outside_referrals" USING btree ("case_id");
--> statement-breakpoint
CREATE INDEX "case_transfers_case_idx" ON "case_transfers" USING btree ("case_id");
--> statement-breakpoint
CREATE INDEX "case_transfers_to_idx" ON "case_transfers" USING btree ("to_pendamping_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "case_transfers_open_uq" ON "case_transfers" USING btree ("case_id") WHERE status = 'requested';
--> statement-breakpoint
CREATE UNIQUE INDEX "family_cases_kk_uq" ON "family_cases" USING btree ("kk");
--> statement-breakpoint
ALTER TABLE "case_follow_ups" ADD CONSTRAINT "case_follow_ups_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "case_services" ADD CONSTRAINT "case_services_plan_item_id_case_plan_items_id_fk" FOREIGN KEY ("plan_item_id") REFERENCES "public"."case_plan_items"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_family_case_id_family_cases_id_fk" FOREIGN KEY ("family_case_id") REFERENCES "public"."family_cases"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "case_follow_ups_owner_idx" ON "case_follow_ups" USING btree ("owner_id");
--> statement-breakpoint
CREATE INDEX "cases_family_idx" ON "cases" USING btree ("family_case_id");
--> statement-breakpoint
-- ATENSI as a process (issue 26): a service is a code of the catalogue now. What was typed as
-- the service is kept word for word as the note (before any note it had, on its own line), and the
-- code is the menu's "other" (`<menu>_lainnya`), which a pendamping can refine later.
UPDATE case_services SET note = CASE WHEN note IS NULL OR note = '' THEN service ELSE service || chr(10) || note END, service = menu || '_lainnya';
--> statement-breakpoint
-- A plan item already worked on (a service of its menu given on or after it was planned) is in
-- progress; every other one is planned. None is taken as done: only the pendamping says so.
UPDATE case_plan_items SET note = service, service = menu || '_lainnya', status = CASE WHEN EXISTS (
  SELECT 1 FROM case_services s WHERE s.case_id = case_plan_items.case_id AND s.menu = case_plan_items.menu AND s.given_at >= case_plan_items.created_at
) THEN 'in_progress' ELSE 'planned' END;
