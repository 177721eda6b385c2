-- Custom SQL migration file, put your code below! --
-- Indexes for the staff search (q), the barcode and earlier-id lookups and the conformance counts.
-- Rendered from src/store/lookup-indexes.ts and search-fold.ts; test/unit/store/lookup-indexes.test.ts
-- fails when this file and the code part. pg_trgm is a trusted extension (PostgreSQL 13+): the
-- database's owner may create it; the server needs the contrib modules (Debian's postgresql has them).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ill_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ select (case when octet_length($1) = char_length($1) then lower($1) else replace(replace(replace(replace(lower(translate(regexp_replace(normalize($1, NFKD), '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]', '', 'g'), 'ØøĐđŁłĦħŦŧıÆŒẞÞ', 'OoDdLlHhTtiæœßþ')), 'æ', 'ae'), 'œ', 'oe'), 'ß', 'ss'), 'þ', 'th') end) $$;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "requests_search_trgm_idx" ON "requests" USING gin ((ill_fold(coalesce(("requests"."data"->'bibliographic'->>'title'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'bibliographic'->>'author'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'bibliographic'->>'titleOfComponent'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'bibliographic'->>'authorOfComponent'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'bibliographic'->>'publisher'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'bibliographic'->>'doi'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'bibliographic'->>'isbn'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'bibliographic'->>'issn'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'bibliographic'->>'oclcNumber'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'patron'->>'name'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'patron'->>'givenName'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'patron'->>'surname'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'patron'->>'id'), '')) || ' ' || ill_fold(coalesce((case when "requests"."role" <> 'requester' then "requests"."requesting_agency_request_id" end), '')) || ' ' || ill_fold(coalesce((case when "requests"."role" <> 'supplier' then "requests"."supplying_agency_request_id" end), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'lifecycle'->>'itemId'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'ncip'->>'itemId'), '')) || ' ' || ill_fold(coalesce(("requests"."data"->'ncip'->'checkOut'->>'itemId'), ''))) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "requests_identifier_digits_trgm_idx" ON "requests" USING gin ((regexp_replace(lower(coalesce(("requests"."data"->'bibliographic'->>'isbn'), '') || ' ' || coalesce(("requests"."data"->'bibliographic'->>'issn'), '') || ' ' || coalesce(("requests"."data"->'bibliographic'->>'oclcNumber'), '')), '[^0-9x ]', '', 'g')) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "requests_requesting_request_id_idx" ON "requests" USING btree ("requesting_agency_request_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "requests_supplying_request_id_idx" ON "requests" USING btree ("supplying_agency_request_id") WHERE "supplying_agency_request_id" is not null;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "requests_barcode_1_idx" ON "requests" USING btree (("requests"."data"->'lifecycle'->>'itemId')) WHERE ("requests"."data"->'lifecycle'->>'itemId') is not null;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "requests_barcode_2_idx" ON "requests" USING btree (("requests"."data"->'ncip'->>'itemId')) WHERE ("requests"."data"->'ncip'->>'itemId') is not null;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "requests_barcode_3_idx" ON "requests" USING btree (("requests"."data"->'ncip'->'checkOut'->>'itemId')) WHERE ("requests"."data"->'ncip'->'checkOut'->>'itemId') is not null;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "requests_earlier_ids_idx" ON "requests" USING gin (("requests"."data"->'lifecycle'->'earlierRequestIds') jsonb_path_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "protocol_messages_peer_in_idx" ON "protocol_messages" USING btree ("peer", "created_at") WHERE "direction" = 'in';
