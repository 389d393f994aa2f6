# source: port-labs/terraform-provider-port-labs port/webhook/resource_test.go @ e26439a4d60132c81ce3547802679f7825453260
# test TestAccPortWebhookUpdateIdentifier, Go var testAccActionConfigCreate (webhook HCL starts at line 494); = testAccCreateBlueprintConfig(...) + fmt.Sprintf(...)
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
	}
