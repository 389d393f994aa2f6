# source: port-labs/terraform-provider-port-labs port/webhook/resource_test.go @ e26439a4d60132c81ce3547802679f7825453260
# test TestAccPortWebhookImport, Go var testAccActionConfigCreate (webhook HCL starts at line 404); = testAccCreateBlueprintConfig(...) + fmt.Sprintf(...)
# NOTE: Go fmt %s placeholders substituted with fixed values; otherwise verbatim (tabs kept). Prepend acctest.ProviderConfig.

	resource "port_blueprint" "microservice" {
		title = "TF test microservice"
		icon = "Terraform"
		identifier = "tf-test-microservice"
		properties = {
			string_props = {
				"author" = {
					type = "string"
					title = "text"
				}
				"url" = {
					type = "string"
					title = "text"
				}
			}
		}
	}

	resource "port_webhook" "create_pr" {
		identifier = "tf-test-webhook"
		title      = "Test"
		icon       = "Terraform"
		enabled    = true
		security = {
			signature_header_name   = "X-Hub-Signature-256"
			signature_algorithm     = "sha256"
			signature_prefix        = "sha256="
			request_identifier_path = ".body.repository.full_name"
		  }
		mappings = [
			{
			"blueprint" = "tf-test-microservice",
			"filter" = ".headers.\"X-GitHub-Event\" == \"pull_request\"",
			"entity" = {
					"identifier" = ".body.pull_request.id | tostring",
					"title" = ".body.pull_request.title",
					"icon" = "\"Terraform\"",
					"team" = "\"port\"",
					"properties" = {
						"author" = ".body.pull_request.user.login",
						"url" = ".body.pull_request.html_url"
					}
				}
			}
		]
		lifecycle {
			ignore_changes = [
			]
		  }
		depends_on = [
		  port_blueprint.microservice
		  ]
	}
