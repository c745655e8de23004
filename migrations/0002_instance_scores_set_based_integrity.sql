-- instance_scores: the row-level foreign keys cost ~60% of a bulk upload (one RI check per row and
-- key). The writer now inserts only rows whose task belongs to the system's benchmark (a join in
-- the insert statement), and deletions cascade through statement-level triggers instead.
ALTER TABLE "instance_scores" DROP CONSTRAINT "instance_scores_system_id_systems_id_fk";
--> statement-breakpoint
ALTER TABLE "instance_scores" DROP CONSTRAINT "instance_scores_task_id_tasks_id_fk";
--> statement-breakpoint
CREATE FUNCTION "instance_scores_cascade_systems"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "instance_scores" i USING old_rows o WHERE i."system_id" = o."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "instance_scores_cascade_systems" AFTER DELETE ON "systems"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "instance_scores_cascade_systems"();
--> statement-breakpoint
CREATE FUNCTION "instance_scores_cascade_tasks"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- through the task's benchmark's systems: (system_id, task_id) is a primary-key prefix
  DELETE FROM "instance_scores" i USING old_rows o, "systems" s
  WHERE s."benchmark_id" = o."benchmark_id" AND i."system_id" = s."id" AND i."task_id" = o."id";
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "instance_scores_cascade_tasks" AFTER DELETE ON "tasks"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "instance_scores_cascade_tasks"();
