CREATE TABLE "delivery_failures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"message_id" uuid NOT NULL,
	"error" text NOT NULL,
	"http_status" integer,
	"count" integer DEFAULT 1 NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "attention_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "protocol_messages" ADD COLUMN "attempts" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "protocol_messages" ADD COLUMN "last_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "delivery_failures" ADD CONSTRAINT "delivery_failures_message_id_protocol_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."protocol_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_failures_message_idx" ON "delivery_failures" USING btree ("message_id","first_at");--> statement-breakpoint
CREATE INDEX "protocol_messages_outbox_idx" ON "protocol_messages" USING btree ("outbox_id");