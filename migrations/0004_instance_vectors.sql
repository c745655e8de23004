CREATE TABLE "instance_names" (
	"benchmark_id" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "instance_names_benchmark_id_ordinal_pk" PRIMARY KEY("benchmark_id","ordinal"),
	CONSTRAINT "instance_names_benchmark_name" UNIQUE("benchmark_id","name")
);
--> statement-breakpoint
CREATE TABLE "instance_vectors" (
	"system_id" integer NOT NULL,
	"task_id" integer NOT NULL,
	"scores" "bytea" NOT NULL,
	CONSTRAINT "instance_vectors_system_id_task_id_pk" PRIMARY KEY("system_id","task_id")
);
--> statement-breakpoint
ALTER TABLE "instance_names" ADD CONSTRAINT "instance_names_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_vectors" ADD CONSTRAINT "instance_vectors_system_id_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instance_vectors" ADD CONSTRAINT "instance_vectors_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "instance_vectors_task" ON "instance_vectors" USING btree ("task_id");