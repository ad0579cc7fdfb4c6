// @ts-check
// Starts Swagger UI on /docs. A file of its own, not an inline script, so the page keeps
// a CSP without 'unsafe-inline' for scripts.
const root = document.getElementById("swagger-ui");
const SwaggerUIBundle = /** @type {any} */ (window).SwaggerUIBundle;
if (root && SwaggerUIBundle) {
  SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    persistAuthorization: false,
  });
}
