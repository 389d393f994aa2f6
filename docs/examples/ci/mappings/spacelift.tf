# The Spacelift webhook, kept as code: `terraform apply` with Port's provider, or
# `hookmap push --config spacelift.tf#port_webhook.spacelift` after the cases pass.
variable "spacelift_webhook_secret" {
  type      = string
  sensitive = true
}

resource "port_webhook" "spacelift" {
  identifier = "spacelift-runs"
  title      = "Spacelift runs"
  icon       = "Terraform"
  enabled    = true
  security = {
    secret                = var.spacelift_webhook_secret
    signature_header_name = "x-signature-256"
    signature_algorithm   = "sha256"
    signature_prefix      = "sha256="
  }
  mappings = [{
    blueprint = "space_lift_stack"
    operation = { type = "create" }
    filter    = ".body.state != null"
    entity = {
      identifier = ".body.stack.id | tostring"
      title      = ".body.stack.name | tostring"
      properties = {
        label        = ".body.stack.labels"
        description  = ".body.stack.description"
        link         = ".body.stack.url"
        git_provider = ".body.stack.vcs"
        repository   = ".body.stack.repository"
        branch       = ".body.run.branch"
        state        = ".body.state"
      }
    }
  }]
}
