-- Instance scores move from one row per score (instance_scores, ~100 bytes a score) to one packed
-- vector per (system, task) (instance_vectors: little-endian float64 indexed by the benchmark's
-- interned instance ordinals, NaN where missing). Random doubles do not compress: EXTERNAL
-- storage skips the compression attempt (TOAST still slices the value).
ALTER TABLE "instance_vectors" ALTER COLUMN "scores" SET STORAGE EXTERNAL;
--> statement-breakpoint
-- Intern every stored instance id per benchmark (ordinals 0..k-1).
INSERT INTO "instance_names" ("benchmark_id", "ordinal", "name")
SELECT d."benchmark_id", (row_number() OVER (PARTITION BY d."benchmark_id" ORDER BY d."instance" COLLATE "C"))::int - 1, d."instance"
FROM (SELECT DISTINCT s."benchmark_id", i."instance"
      FROM "instance_scores" i JOIN "systems" s ON s."id" = i."system_id") d;
--> statement-breakpoint
-- Pack each (system, task): ordinals 0..last, each score as 8 little-endian bytes (float8send is
-- big-endian: its bytes reversed), NaN (00 00 00 00 00 00 f8 7f) where the system has none.
INSERT INTO "instance_vectors" ("system_id", "task_id", "scores")
SELECT c."system_id", c."task_id",
  (SELECT string_agg(
            CASE WHEN i."score" IS NULL THEN '\x000000000000f87f'::bytea
                 ELSE (SELECT string_agg(substring(float8send(i."score") FROM 9 - k FOR 1), ''::bytea ORDER BY k) FROM generate_series(1, 8) k)
            END, ''::bytea ORDER BY g)
   FROM generate_series(0, c."last") g
   JOIN "instance_names" n ON n."benchmark_id" = c."benchmark_id" AND n."ordinal" = g
   LEFT JOIN "instance_scores" i ON i."system_id" = c."system_id" AND i."task_id" = c."task_id" AND i."instance" = n."name")
FROM (SELECT i."system_id", i."task_id", s."benchmark_id", max(n."ordinal") AS "last"
      FROM "instance_scores" i
      JOIN "systems" s ON s."id" = i."system_id"
      JOIN "tasks" t ON t."id" = i."task_id" AND t."benchmark_id" = s."benchmark_id"
      JOIN "instance_names" n ON n."benchmark_id" = s."benchmark_id" AND n."name" = i."instance"
      GROUP BY i."system_id", i."task_id", s."benchmark_id") c;
--> statement-breakpoint
-- instance_scores goes (next migration): its cascade triggers first.
DROP TRIGGER "instance_scores_cascade_systems" ON "systems";
--> statement-breakpoint
DROP TRIGGER "instance_scores_cascade_tasks" ON "tasks";
--> statement-breakpoint
DROP FUNCTION "instance_scores_cascade_systems"();
--> statement-breakpoint
DROP FUNCTION "instance_scores_cascade_tasks"();
