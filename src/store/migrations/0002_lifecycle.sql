DROP INDEX "outbox_pending_idx";--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "not_before" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "protocol_messages" ADD COLUMN "dedupe_key" text;--> statement-breakpoint
ALTER TABLE "protocol_messages" ADD COLUMN "outbox_id" uuid;--> statement-breakpoint
CREATE INDEX "outbox_request_idx" ON "outbox" USING btree ("request_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "protocol_messages_dedupe_key" ON "protocol_messages" USING btree ("protocol","dedupe_key") WHERE "protocol_messages"."dedupe_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "requests_requester_key" ON "requests" USING btree ("requesting_agency_id","requesting_agency_request_id") WHERE "requests"."role" = 'requester';--> statement-breakpoint
CREATE UNIQUE INDEX "requests_supplier_key" ON "requests" USING btree ("supplying_agency_id","requesting_agency_id","requesting_agency_request_id") WHERE "requests"."role" = 'supplier';--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("seq") WHERE "outbox"."status" = 'pending';