-- Custom SQL migration file, put your code below! --
-- The audit trail is append-only: a decision, once recorded, is never rewritten or removed.
CREATE FUNCTION request_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'request_events is append-only (% refused)', TG_OP;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER request_events_append_only
  BEFORE UPDATE OR DELETE ON request_events
  FOR EACH ROW EXECUTE FUNCTION request_events_refuse_change();
