CREATE TABLE "benchmarks" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"revision" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "benchmarks_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "instance_scores" (
	"system_id" integer NOT NULL,
	"task_id" integer NOT NULL,
	"instance" text NOT NULL,
	"score" double precision NOT NULL,
	CONSTRAINT "instance_scores_system_id_task_id_instance_pk" PRIMARY KEY("system_id","task_id","instance")
);
--> statement-breakpoint
CREATE TABLE "submission_scores" (
	"submission_id" integer NOT NULL,
	"task_id" integer NOT NULL,
	"score" double precision NOT NULL,
	CONSTRAINT "submission_scores_submission_id_task_id_pk" PRIMARY KEY("submission_id","task_id")
);
--> statement-breakpoint
CREATE TABLE "submissions" (
	"id" serial PRIMARY KEY NOT NULL,
	"system_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "systems" (
	"id" serial PRIMARY KEY NOT NULL,
	"benchmark_id" integer NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"url" text,
	"metadata" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "systems_benchmark_slug" UNIQUE("benchmark_id","slug")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" serial PRIMARY KEY NOT NULL,
	"benchmark_id" integer NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"metric" text,
	"higher_is_better" boolean DEFAULT true NOT NULL,
	"weight" double precision DEFAULT 1 NOT NULL,
	"group" text,
	"position" integer NOT NULL,
	CONSTRAINT "tasks_benchmark_slug" UNIQUE("benchmark_id","slug"),
	CONSTRAINT "tasks_weight_positive" CHECK ("tasks"."weight" > 0)
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"id" serial PRIMARY KEY NOT NULL,
	"benchmark_id" integer,
	"role" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "tokens_hash_unique" UNIQUE("hash"),
	CONSTRAINT "tokens_role_benchmark" CHECK (("tokens"."role" = 'admin') = ("tokens"."benchmark_id" is null))
);
--> statement-breakpoint
ALTER TABLE "instance_scores" ADD CONSTRAINT "instance_scores_system_id_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_scores" ADD CONSTRAINT "instance_scores_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submission_scores" ADD CONSTRAINT "submission_scores_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submission_scores" ADD CONSTRAINT "submission_scores_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_system_id_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "systems" ADD CONSTRAINT "systems_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "instance_scores_task" ON "instance_scores" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "submissions_system_id_desc" ON "submissions" USING btree ("system_id","id" DESC NULLS LAST);