-- Request numbers for people, counted per library (requests.number; see schema.ts).
ALTER TABLE "requests" ADD COLUMN "number" integer;--> statement-breakpoint
-- One sequence per library, named by its id: nextval takes no lock, so concurrent inserts for one
-- library never wait on each other for a number (a counter row would queue them on its lock).
CREATE FUNCTION request_number_sequence(library uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'request_number_' || replace(library::text, '-', '')
$$;
--> statement-breakpoint
CREATE FUNCTION make_request_number_sequence(library uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I AS integer', request_number_sequence(library));
END;
$$;
--> statement-breakpoint
-- The next number of a library; its sequence is made with the library (below), and here only
-- for a library that came before it some other way.
CREATE FUNCTION next_request_number(library uuid) RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass(request_number_sequence(library)) IS NULL THEN
    PERFORM make_request_number_sequence(library);
  END IF;
  RETURN nextval(request_number_sequence(library));
END;
$$;
--> statement-breakpoint
CREATE FUNCTION libraries_make_request_number_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM make_request_number_sequence(NEW.id);
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER libraries_request_number_sequence
  AFTER INSERT ON libraries
  FOR EACH ROW EXECUTE FUNCTION libraries_make_request_number_sequence();
--> statement-breakpoint
CREATE FUNCTION requests_give_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.number IS NULL AND NEW.library_id IS NOT NULL THEN
    NEW.number := next_request_number(NEW.library_id);
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER requests_number
  BEFORE INSERT ON requests
  FOR EACH ROW EXECUTE FUNCTION requests_give_number();
--> statement-breakpoint
-- The requests there are: numbered per library in the order they came, each sequence going on after them.
SELECT make_request_number_sequence(id) FROM libraries;
--> statement-breakpoint
UPDATE requests r SET number = n.number
  FROM (SELECT id, row_number() OVER (PARTITION BY library_id ORDER BY created_at, id) AS number FROM requests WHERE library_id IS NOT NULL) n
  WHERE r.id = n.id;
--> statement-breakpoint
SELECT setval(request_number_sequence(library_id), max(number)) FROM requests WHERE library_id IS NOT NULL GROUP BY library_id;
--> statement-breakpoint
CREATE UNIQUE INDEX "requests_number_key" ON "requests" USING btree ("number","library_id");
