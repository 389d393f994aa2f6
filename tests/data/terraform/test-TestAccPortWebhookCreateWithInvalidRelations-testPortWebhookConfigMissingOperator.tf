# source: port-labs/terraform-provider-port-labs port/webhook/resource_test.go @ e26439a4d60132c81ce3547802679f7825453260
# test TestAccPortWebhookCreateWithInvalidRelations, Go var testPortWebhookConfigMissingOperator (webhook HCL starts at line 785); = testAccCreateBlueprintConfigWithRelations(...) + fmt.Sprintf(...)
# NOTE: Go fmt %s placeholders substituted with fixed values; otherwise verbatim (tabs kept). Prepend acctest.ProviderConfig.

	resource "port_blueprint" "author" {
		title = "Author"
		icon = "User"
		identifier = "tf-test-author3"
		properties = {
			string_props = {
				"name" = {
					type = "string"
					title = "Name"
				}
			}
		}
	}
	
	resource "port_blueprint" "microservice" {
		title = "TF test microservice"
		icon = "Terraform"
		identifier = "tf-test-microservice3"
		properties = {
			string_props = {
				"url" = {
					type = "string"
					title = "URL"
				}
			}
		}
		relations = {
			"author" = {
				title = "Author"
				target = port_blueprint.author.identifier
			}
		}
	}

	resource "port_webhook" "create_pr3" {
		identifier = "tf-test-webhook3"
		title      = "Invalid Relations Test"
		icon       = "Terraform"
  		enabled    = true
 		mappings = [
    		{
      			blueprint = port_blueprint.microservice.identifier
				operation = { "type" = "create" }
				filter    = ".headers.\"x-github-event\" == \"pull_request\""
				entity = {
					identifier = ".body.pull_request.id | tostring"
					title      = ".body.pull_request.title"
					properties = {
						url = ".body.pull_request.html_url"
					}
					relations = {
						author = jsonencode({
							combinator = "'and'",
							rules = [
								{
									property = "'$identifier'"
									value    = ".body.pull_request.user.login | tostring"
								}
							]
						})
        			}
      			}
    		}
  		]
		depends_on = [
			port_blueprint.microservice,
			port_blueprint.author
		]
	}
