-- Who consented for a person: self (18+ only), a guardian or the social worker, named (issue 24).
ALTER TABLE "persons" ADD COLUMN "consent_by" text;
--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "consent_by_name" text;
--> statement-breakpoint
-- Consent recorded before: given by the person themself.
UPDATE "persons" SET "consent_by" = 'self' WHERE "consent" = 1;
--> statement-breakpoint
-- A children's unit was "cribs, not maternity"; a crib is now a feature only, and a unit says it admits
-- children. Units that were children's units keep their meaning.
UPDATE "units" SET "admits" = 'children' WHERE "admits" = 'any' AND "features" LIKE '%"crib"%' AND "features" NOT LIKE '%"maternity"%';
