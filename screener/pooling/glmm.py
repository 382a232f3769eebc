"""The binomial-normal random-intercept model for single proportions, fitted by maximum likelihood.

The model R meta's ``metaprop`` fits by default (``method = "GLMM"``, via metafor ``rma.glmm``;
Stijnen, Hamza & Ozdemir 2010):

    x_i ~ Binomial(n_i, expit(mu + u_i)),   u_i ~ N(0, tau^2).

The marginal likelihood of each study is integrated over u_i by *adaptive* Gauss-Hermite
quadrature: the nodes are centred on the mode of the integrand and scaled by its curvature
(Liu & Pierce 1994), so a few dozen nodes are exact to many digits even when tau is small.
(mu, tau) are found with BFGS and an analytic gradient (the likelihood depends on tau^2 only, so
tau runs over the real line and tau^2 = 0 is reachable; three starting values, the best kept,
and never worse than the common-proportion model at tau = 0); the standard error of mu
is sqrt of the [mu, mu] element of the inverse observed information (a central-difference
Hessian of the log-likelihood in (mu, tau)); at tau = 0 the information of mu alone. No
continuity correction: studies at 0% or 100% enter with their exact binomial likelihood. When
every study is at 0% (or every one at 100%) the ML estimate of mu is infinite and
:class:`GLMMError` says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from screener.pooling.proportion import Z95

NODES = 64
_TAU_ZERO = 1e-7
_TAU_MAX = 20.0


class GLMMError(Exception):
    """The model cannot be fitted to these data; the message says why (one sentence)."""


@dataclass(frozen=True)
class GLMMFit:
    estimate: float  # mu, logit scale
    se: float
    ci_low: float
    ci_high: float
    tau2: float
    loglik: float
    lrt: float  # likelihood-ratio statistic against tau^2 = 0 (common proportion), >= 0
    hartung_knapp: bool


def _binomial_terms(
    eta: np.ndarray, x: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x*eta - n*log(1+e^eta), its first and second derivatives in eta."""
    log1pexp = np.logaddexp(0.0, eta)
    p = special.expit(eta)
    return x * eta - n * log1pexp, x - n * p, -n * p * (1.0 - p)


def loglik(mu: float, tau: float, x: Sequence[int], n: Sequence[int], nodes: int = NODES) -> float:
    """The marginal log-likelihood (with binomial coefficients) at (mu, tau)."""
    xa, na = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    return _loglik_grad(mu, tau, xa, na, _rule(nodes))[0]


def _rule(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Hermite nodes and log weights."""
    t, w = np.polynomial.hermite.hermgauss(nodes)
    return t, np.log(w)


def _loglik_grad(
    mu: float, tau: float, xa: np.ndarray, na: np.ndarray, rule: tuple[np.ndarray, np.ndarray]
) -> tuple[float, np.ndarray]:
    """Log-likelihood and its gradient in (mu, tau).

    The gradient is the posterior mean of the derivative of the log integrand
    (d/dmu: x - n expit(mu + u); d/dtau: u^2/tau^3 - 1/tau), taken with the same quadrature.
    """
    log_choose = special.gammaln(na + 1) - special.gammaln(xa + 1) - special.gammaln(na - xa + 1)
    tau = abs(tau)
    if tau < _TAU_ZERO:
        value, d1, _ = _binomial_terms(np.full_like(xa, mu), xa, na)
        return float(np.sum(log_choose + value)), np.array([float(np.sum(d1)), 0.0])
    inv_t2 = 1.0 / (tau * tau)
    u = np.zeros_like(xa)
    for _ in range(100):  # Newton for the mode of the (concave) integrand, damped
        _, d1, d2 = _binomial_terms(mu + u, xa, na)
        grad = d1 - u * inv_t2
        step = np.clip(grad / (-d2 + inv_t2), -4.0, 4.0)
        u = u + step
        if float(np.max(np.abs(step))) < 1e-10:
            break
    _, _, d2 = _binomial_terms(mu + u, xa, na)
    sigma = 1.0 / np.sqrt(-d2 + inv_t2)
    t, log_w = rule
    points = u[:, None] + math.sqrt(2.0) * sigma[:, None] * t[None, :]
    value, d_eta, _ = _binomial_terms(mu + points, xa[:, None], na[:, None])
    integrand = value - 0.5 * points**2 * inv_t2 + t[None, :] ** 2 + log_w[None, :]
    norm = special.logsumexp(integrand, axis=1)
    log_int = (
        norm + np.log(sigma) + 0.5 * math.log(2.0) - 0.5 * math.log(2.0 * math.pi) - math.log(tau)
    )
    post = np.exp(integrand - norm[:, None])  # posterior weights of the nodes, rows sum to 1
    d_mu = float(np.sum(post * d_eta))
    d_tau = float(np.sum(post * (points**2 / tau**3 - 1.0 / tau)))
    return float(np.sum(log_choose + log_int)), np.array([d_mu, d_tau])


def _hessian(
    fun: Callable[[np.ndarray], float], point: np.ndarray, steps: np.ndarray
) -> np.ndarray:
    """Central-difference Hessian."""
    dim = point.size
    hess = np.zeros((dim, dim))
    for i in range(dim):
        for j in range(i, dim):
            ei = np.zeros(dim)
            ej = np.zeros(dim)
            ei[i] = steps[i]
            ej[j] = steps[j]
            val = (
                fun(point + ei + ej)
                - fun(point + ei - ej)
                - fun(point - ei + ej)
                + fun(point - ei - ej)
            ) / (4.0 * steps[i] * steps[j])
            hess[i, j] = hess[j, i] = val
    return hess


def fit_glmm(
    x: Sequence[int],
    n: Sequence[int],
    hartung_knapp: bool = False,
    nodes: int = NODES,
    level: float = 0.95,
) -> GLMMFit:
    """Fit the binomial-normal model by ML; :class:`GLMMError` when it cannot be fitted."""
    xa = np.asarray(x, dtype=float)
    na = np.asarray(n, dtype=float)
    k = xa.size
    if k == 0:
        raise GLMMError("no studies to pool")
    if np.all(xa == 0):
        raise GLMMError(
            "every study has 0 events (0%): the maximum-likelihood estimate is minus infinity"
        )
    if np.all(xa == na):
        raise GLMMError(
            "every study has 100% events: the maximum-likelihood estimate is plus infinity"
        )
    xs, ns = xa.tolist(), na.tolist()
    pooled = float(xa.sum() / na.sum())
    mu_fe = math.log(pooled / (1.0 - pooled))
    ll_fe = loglik(mu_fe, 0.0, xs, ns, nodes)  # the common-proportion MLE is the crude logit

    rule = _rule(nodes)

    def negll(theta: np.ndarray) -> float:
        return -_loglik_grad(float(theta[0]), float(theta[1]), xa, na, rule)[0]

    def negll_grad(theta: np.ndarray) -> tuple[float, np.ndarray]:
        # the likelihood depends on tau^2 only: optimise over tau in R, sign folded
        tau = float(theta[1])
        value, grad = _loglik_grad(float(theta[0]), abs(tau), xa, na, rule)
        return -value, -np.array([grad[0], math.copysign(1.0, tau) * grad[1]])

    best: optimize.OptimizeResult | None = None
    if k > 1:
        for tau0 in (0.3, 1.0, 2.5):
            res = optimize.minimize(
                negll_grad,
                np.array([mu_fe, tau0]),
                jac=True,
                method="BFGS",
                options={"gtol": 1e-8, "maxiter": 500},
            )
            if not np.all(np.isfinite(res.x)):
                continue
            if best is None or res.fun < best.fun:
                best = res
    if best is None or -best.fun <= ll_fe:
        mu, tau, ll = mu_fe, 0.0, ll_fe
    else:
        mu, tau, ll = float(best.x[0]), abs(float(best.x[1])), float(-best.fun)
    if tau >= _TAU_MAX:
        raise GLMMError("the between-study variance diverges; the model cannot be fitted")
    if abs(mu) > 50:
        raise GLMMError("the pooled logit diverges; the model cannot be fitted")
    if tau < 1e-4:  # boundary: information of mu alone at tau = 0
        p = special.expit(mu)
        info = float(np.sum(na * p * (1.0 - p)))
        se = 1.0 / math.sqrt(info)
        tau = 0.0
    else:
        point = np.array([mu, tau])
        hess = _hessian(negll, point, np.array([1e-4, 1e-4 * max(1.0, tau)]))
        try:
            cov = np.linalg.inv(hess)
        except np.linalg.LinAlgError as exc:
            raise GLMMError("the information matrix is singular at the ML estimate") from exc
        if not cov[0, 0] > 0:
            raise GLMMError("the information matrix is not positive at the ML estimate")
        se = math.sqrt(float(cov[0, 0]))
    use_hk = hartung_knapp and k > 1
    if use_hk:
        quant = float(stats.t.ppf(0.5 + level / 2, k - 1))
    else:
        quant = Z95 if level == 0.95 else float(stats.norm.ppf(0.5 + level / 2))
    return GLMMFit(
        estimate=mu,
        se=se,
        ci_low=mu - quant * se,
        ci_high=mu + quant * se,
        tau2=tau * tau,
        loglik=ll,
        lrt=max(0.0, 2.0 * (ll - ll_fe)),
        hartung_knapp=use_hk,
    )
