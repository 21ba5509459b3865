// Back office: a response template button copies its text into the public
// answer (without JavaScript the text stays readable next to the button).
(function () {
  "use strict";
  var answer = document.getElementById("public");
  if (!answer) { return; }
  document.querySelectorAll(".reports-template").forEach(function (b) {
    b.addEventListener("click", function () {
      answer.value = (answer.value ? answer.value + "\n" : "") + b.getAttribute("data-text");
      answer.focus();
    });
  });
})();
