CREATE TABLE "provisioning_activity" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL,
	"errors" integer NOT NULL,
	"creates" integer NOT NULL,
	"deprovisions" integer NOT NULL,
	CONSTRAINT "provisioning_activity_org_id_bucket_start_connection_id_pk" PRIMARY KEY("org_id","bucket_start","connection_id")
);
--> statement-breakpoint
ALTER TABLE "provisioning_activity" ADD CONSTRAINT "provisioning_activity_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_activity" ADD CONSTRAINT "provisioning_activity_connection_id_scim_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."scim_connections"("id") ON DELETE cascade ON UPDATE no action;