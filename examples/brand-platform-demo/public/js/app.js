fetch('/brands')
  .then((response) => response.json())
  .then((brands) => {
    document.getElementById('app').textContent = brands.map((b) => b.name).join(', ');
  });
