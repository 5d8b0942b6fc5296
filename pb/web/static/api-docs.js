// Starts Swagger UI on the API explorer page (pb.web.api_docs): a file of its own, so that the page needs no
// inline script under pb's Content-Security-Policy. The document's address comes from the page.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: true,
    // The online validator badge would send the document to another site; pb's tests validate it instead.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
