() => {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a.dl-cite');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const card = document.getElementById(link.getAttribute('href').slice(1));
    if (!card) return;
    document.querySelectorAll('.dl-card.dl-open').forEach((c) => c.classList.remove('dl-open'));
    const turn = card.closest('details');
    if (turn) turn.open = true;
    card.classList.add('dl-open');
    card.scrollIntoView({block: 'center'});
  }, true);
}
