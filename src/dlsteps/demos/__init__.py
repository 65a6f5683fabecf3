"""The slider demos, one file each. Every demo declares its sliders once (``SPACE``) and offers
``run`` (one real run), ``panel()`` (the live panel for Jupyter and Colab) and ``twin()`` (its
static twin for the HTML book, drawn from precomputed runs of every slider combination).

- ``linreg``: linear regression, learning rate × batch size × noise × epochs
- ``descent``: gradient descent on x², learning rate
- ``surface``: SGD paths on a loss surface, learning rate × batch size × noise
- ``normal``: the normal density, μ × σ
- ``robust``: L2, L1 and Huber fits with outliers, count × size × δ
- ``softmax``: softmax regression on Fashion-MNIST, learning rate × batch size × epochs
- ``gradients``: gradient norms through a deep stack, input range × depth
- ``mlp``: an MLP on Fashion-MNIST, hidden units × learning rate × epochs
"""

from dlsteps.demos import descent, gradients, linreg, mlp, normal, robust, softmax, surface

__all__ = ["descent", "gradients", "linreg", "mlp", "normal", "robust", "softmax", "surface"]
