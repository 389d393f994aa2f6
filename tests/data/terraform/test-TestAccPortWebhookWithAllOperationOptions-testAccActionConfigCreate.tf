# source: port-labs/terraform-provider-port-labs port/webhook/resource_test.go @ e26439a4d60132c81ce3547802679f7825453260
# test TestAccPortWebhookWithAllOperationOptions, Go var testAccActionConfigCreate (webhook HCL starts at line 259); = testAccCreateBlueprintConfig(...) + fmt.Sprintf(...)
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
		mappings = [
			{
			"blueprint" = port_blueprint.microservice.identifier,
			"filter" = ".headers.\"X-GitHub-Event\" == \"pull_request\" and .body.pull_request.action == \"opened\"",
			"items_to_parse" = ".body.pull_request",
			"operation" = {
				"type" = "create"
			},
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
			},
			{
			"blueprint" = port_blueprint.microservice.identifier,
			"filter" = ".headers.\"X-GitHub-Event\" == \"pull_request\" and .body.pull_request.state == \"closed\"",
			"items_to_parse" = ".body.pull_request",
			"operation": {
				"type": "delete"	
			},
			"entity" = {
					"identifier" = ".body.pull_request.id | tostring"
				}
			},
			{
			"blueprint" = port_blueprint.microservice.identifier,
			"filter" = ".headers.\"X-GitHub-Event\" == \"pull_request\" and .body.pull_request.state == \"edited\"",
			"items_to_parse" = ".body.pull_request",
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
			},
						{
			"blueprint" = port_blueprint.microservice.identifier,
			"filter" = ".headers.\"X-GitHub-Event\" == \"pull_request\" and .body.pull_request.state == \"closed\"",
			"items_to_parse" = ".body.pull_request",
			"operation": {
				"type": "delete",
				"delete_dependents": true
			},
			"entity" = {
					"identifier" = ".body.pull_request.id | tostring"
				}
			},
			{
			"blueprint" = port_blueprint.microservice.identifier,
			"filter" = ".headers.\"X-GitHub-Event\" == \"pull_request\" and .body.pull_request.state == \"closed\"",
			"items_to_parse" = ".body.pull_request",
			"operation": {
				"type": "delete",
				"delete_dependents": false
			},
			"entity" = {
					"identifier" = ".body.pull_request.id | tostring"
				}
			},
		]
	}
