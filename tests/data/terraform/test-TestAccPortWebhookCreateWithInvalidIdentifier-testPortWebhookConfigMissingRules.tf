# source: port-labs/terraform-provider-port-labs port/webhook/resource_test.go @ e26439a4d60132c81ce3547802679f7825453260
# test TestAccPortWebhookCreateWithInvalidIdentifier, Go var testPortWebhookConfigMissingRules (webhook HCL starts at line 1074); = testAccCreateBlueprintConfig(...) + fmt.Sprintf(...)
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

	resource "port_webhook" "invalid_identifier" {
		identifier = "tf-test-webhook"
		title      = "Invalid Identifier Test"
		icon       = "Terraform"
  		enabled    = true
 		mappings = [
    		{
      			blueprint = port_blueprint.microservice.identifier
				operation = { "type" = "create" }
				filter    = ".headers.\"x-github-event\" == \"push\""
				entity = {
					identifier = jsonencode({
						combinator = "'and'"
					})
					title      = ".body.repository.name"
				}
      		}
    	]
		depends_on = [
			port_blueprint.microservice
		]
	}
