// An entity's neighbourhood as a picture: the resource in the middle, the resources it links
// to and from around it, each labelled in the page's language and opening its page on a
// click. Drawn by cytoscape (static/vendor/); the page's tables hold the same links, so the
// picture is an addition, not the only way to see them.
(function () {
  "use strict";

  function elements(data) {
    var nodes = data.nodes.map(function (node) {
      return { data: { id: node.id, label: node.label, href: node.href, role: node.role } };
    });
    var edges = data.edges.map(function (edge, index) {
      return { data: { id: "e" + index, source: edge.source, target: edge.target, label: edge.label } };
    });
    return nodes.concat(edges);
  }

  function draw() {
    var box = document.getElementById("graph");
    var source = document.getElementById("graph-data");
    if (!box || !source || typeof cytoscape !== "function") return;
    var data = JSON.parse(source.textContent);
    var cy = cytoscape({
      container: box,
      elements: elements(data),
      wheelSensitivity: 0.3,
      layout: {
        name: "concentric",
        concentric: function (node) { return node.data("role") === "centre" ? 2 : 1; },
        levelWidth: function () { return 1; },
        minNodeSpacing: 70,
        animate: false,
      },
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 12, "text-wrap": "wrap", "text-max-width": 120,
          "text-valign": "bottom", "text-margin-y": 4, "background-color": "#00689d",
          "width": 14, "height": 14, "color": "#1c2430",
        } },
        { selector: "node[role = 'centre']", style: {
          "background-color": "#19a974", "width": 26, "height": 26, "font-weight": "bold",
        } },
        { selector: "edge", style: {
          "width": 1.2, "line-color": "#b9c2cf", "target-arrow-color": "#b9c2cf",
          "target-arrow-shape": "triangle", "curve-style": "bezier",
        } },
        // A link's property shows when the pointer is on it (or on either of its ends).
        { selector: "edge.shown", style: {
          "label": "data(label)", "font-size": 11, "color": "#1c2430",
          "text-rotation": "autorotate", "line-color": "#00689d", "text-background-color": "#fff",
          "text-background-opacity": 0.9,
        } },
      ],
    });
    cy.on("mouseover", "node, edge", function (event) {
      var target = event.target;
      (target.isNode() ? target.connectedEdges() : target).addClass("shown");
    });
    cy.on("mouseout", "node, edge", function () { cy.edges().removeClass("shown"); });
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      var safe = /^(\/|https?:)/.test(href || "");  // a page here, or a web address
      if (safe && event.target.data("role") !== "centre") window.location.href = href;
    });
    box.setAttribute("data-ready", "true");
    window.sdgkgGraph = cy; // for people's own scripts (and the browser tests)
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
