// Runs only when Vite served and transformed this module over the same
// HTTPS origin as the page.
document.getElementById('module').textContent = 'module served by vite'
