CREATE TABLE "instance_uploads" (
	"id" serial PRIMARY KEY NOT NULL,
	"system_id" integer NOT NULL,
	"row_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "instance_uploads" ADD CONSTRAINT "instance_uploads_system_id_systems_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."systems"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "instance_uploads_system_id_desc" ON "instance_uploads" USING btree ("system_id","id" DESC NULLS LAST);