// Starts Swagger UI on /api/v1/docs. A file, not an inline script: the page's CSP allows only
// this site's own files. The document to show is the one the page names, never one from the URL.
const root = document.getElementById('swagger-ui');
window.ui = window.SwaggerUIBundle({
  url: root.dataset.specUrl,
  domNode: root,
  deepLinking: true,
  queryConfigEnabled: false,
  validatorUrl: null,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
