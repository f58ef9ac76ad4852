"""The environments the reinforcement-learning compat programs play, in plain NumPy (no
gym, no tkinter), so TF and trainkit runs see the same episodes. Not a program:
``reference.program_names`` skips it.

Each environment takes a ``seed`` and draws its starting states from its own
``np.random.RandomState(seed)``, never from the global NumPy stream the agents use.
The dynamics are the documented ones of gym's classic-control environments (gym 0.8-0.10,
the versions the programs were written against, used through ``env.unwrapped``, so no
time limit): ``CartPole-v0``, ``Pendulum-v0`` and ``MountainCar-v0``; ``Maze`` is the
grid logic of MorvanZhou's ``maze_env.py`` (its tkinter canvas coordinates kept as plain
lists) and ``CliffWalking`` that of dennybritz's ``lib/envs/cliff_walking.py``.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np


class CartPole:
    """``CartPole-v0``: a pole on a cart pushed left (0) or right (1) with 10 N; Euler
    steps of 0.02 s; the episode ends when the cart leaves +-2.4 or the pole tilts past
    12 degrees; reward 1 per step; the state starts uniform in [-0.05, 0.05]^4."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_threshold_radians = 12 * 2 * math.pi / 360
    x_threshold = 2.4

    def __init__(self, seed: int = 1):
        self.rng = np.random.RandomState(seed)
        self.total_mass = self.masspole + self.masscart
        self.polemass_length = self.masspole * self.length
        self.action_space = SimpleNamespace(n=2)
        self.observation_space = SimpleNamespace(shape=(4,))
        self.state = None

    def reset(self) -> np.ndarray:
        self.state = self.rng.uniform(low=-0.05, high=0.05, size=(4,))
        return np.array(self.state)

    def step(self, action: int) -> tuple[np.ndarray, float, bool, dict]:
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + self.polemass_length * theta_dot * theta_dot * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta * costheta / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = (x, x_dot, theta, theta_dot)
        done = bool(x < -self.x_threshold or x > self.x_threshold
                    or theta < -self.theta_threshold_radians
                    or theta > self.theta_threshold_radians)
        return np.array(self.state), 1.0, done, {}


def angle_normalize(x: float) -> float:
    return ((x + np.pi) % (2 * np.pi)) - np.pi


class Pendulum:
    """``Pendulum-v0``: torque in [-2, 2] on a pendulum (g 10, m 1, l 1, dt 0.05, speed
    clipped to +-8); observation ``[cos th, sin th, thdot]``; reward minus
    ``th^2 + 0.1 thdot^2 + 0.001 u^2`` (th normalized to [-pi, pi)); never done; starts
    uniform in th in [-pi, pi], thdot in [-1, 1]."""

    max_speed, max_torque, dt, g, m, length = 8, 2.0, 0.05, 10.0, 1.0, 1.0

    def __init__(self, seed: int = 1):
        self.rng = np.random.RandomState(seed)
        self.action_space = SimpleNamespace(shape=(1,), high=np.array([self.max_torque]),
                                            low=np.array([-self.max_torque]))
        self.observation_space = SimpleNamespace(shape=(3,))
        self.state = None

    def reset(self) -> np.ndarray:
        high = np.array([np.pi, 1])
        self.state = self.rng.uniform(low=-high, high=high)
        return self._get_obs()

    def _get_obs(self) -> np.ndarray:
        theta, thetadot = self.state
        return np.array([np.cos(theta), np.sin(theta), thetadot])

    def step(self, u) -> tuple[np.ndarray, float, bool, dict]:
        th, thdot = self.state
        g, m, length, dt = self.g, self.m, self.length, self.dt
        u = np.clip(u, -self.max_torque, self.max_torque)[0]
        costs = angle_normalize(th) ** 2 + .1 * thdot ** 2 + .001 * (u ** 2)
        newthdot = thdot + (-3 * g / (2 * length) * np.sin(th + np.pi)
                            + 3. / (m * length ** 2) * u) * dt
        newth = th + newthdot * dt
        newthdot = np.clip(newthdot, -self.max_speed, self.max_speed)
        self.state = np.array([newth, newthdot])
        return self._get_obs(), -costs, False, {}


class MountainCar:
    """``MountainCar-v0``: push left (0), nothing (1) or right (2) with force 0.001 against
    gravity 0.0025 * cos(3 x); speed clipped to +-0.07, position to [-1.2, 0.6] (stopping
    at the left wall); done at x >= 0.5; reward -1 per step; starts at x uniform in
    [-0.6, -0.4] with no speed."""

    min_position, max_position, max_speed, goal_position = -1.2, 0.6, 0.07, 0.5
    force, gravity = 0.001, 0.0025

    def __init__(self, seed: int = 21):
        self.rng = np.random.RandomState(seed)
        self.action_space = SimpleNamespace(n=3)
        self.observation_space = SimpleNamespace(shape=(2,))
        self.state = None

    def reset(self) -> np.ndarray:
        self.state = np.array([self.rng.uniform(low=-0.6, high=-0.4), 0])
        return np.array(self.state)

    def step(self, action: int) -> tuple[np.ndarray, float, bool, dict]:
        position, velocity = self.state
        velocity += (action - 1) * self.force + math.cos(3 * position) * (-self.gravity)
        velocity = np.clip(velocity, -self.max_speed, self.max_speed)
        position += velocity
        position = np.clip(position, self.min_position, self.max_position)
        if position == self.min_position and velocity < 0:
            velocity = 0
        done = bool(position >= self.goal_position)
        self.state = (position, velocity)
        return np.array(self.state), -1.0, done, {}


class Maze:
    """MorvanZhou's 4x4 maze (``maze_env.py`` without the window): the explorer starts
    top left; actions up, down, right, left move it one 40-pixel cell unless a wall is in
    the way; the hell cell (column 2, row 1) gives -1, the paradise (2, 2) +1, both end
    the episode. The observation is the explorer's corner minus the paradise's, divided
    by the maze's 160 pixels."""

    UNIT, MAZE_H, MAZE_W = 40, 4, 4

    def __init__(self):
        self.action_space = ["u", "d", "l", "r"]
        self.n_actions = len(self.action_space)
        self.n_features = 2
        origin = np.array([20, 20])
        hell1_center = origin + np.array([self.UNIT * 2, self.UNIT])
        oval_center = origin + self.UNIT * 2
        self.hell1 = self._square(hell1_center)
        self.oval = self._square(oval_center)
        self.rect = self._square(origin)

    @staticmethod
    def _square(center: np.ndarray) -> list[float]:
        # what tkinter's canvas.coords gives for a 30-pixel square: floats
        return [float(center[0] - 15), float(center[1] - 15),
                float(center[0] + 15), float(center[1] + 15)]

    def _observation(self) -> np.ndarray:
        return (np.array(self.rect[:2]) - np.array(self.oval[:2])) / (self.MAZE_H * self.UNIT)

    def reset(self) -> np.ndarray:
        self.rect = self._square(np.array([20, 20]))
        return self._observation()

    def step(self, action: int) -> tuple[np.ndarray, int, bool]:
        s = self.rect
        base_action = np.array([0, 0])
        if action == 0:   # up
            if s[1] > self.UNIT:
                base_action[1] -= self.UNIT
        elif action == 1:   # down
            if s[1] < (self.MAZE_H - 1) * self.UNIT:
                base_action[1] += self.UNIT
        elif action == 2:   # right
            if s[0] < (self.MAZE_W - 1) * self.UNIT:
                base_action[0] += self.UNIT
        elif action == 3:   # left
            if s[0] > self.UNIT:
                base_action[0] -= self.UNIT
        self.rect = [s[0] + base_action[0], s[1] + base_action[1],
                     s[2] + base_action[0], s[3] + base_action[1]]
        if self.rect == self.oval:
            reward, done = 1, True
        elif self.rect in [self.hell1]:
            reward, done = -1, True
        else:
            reward, done = 0, False
        return self._observation(), reward, done

    def render(self) -> None:
        """Nothing to draw."""


class CliffWalking:
    """dennybritz's ``CliffWalkingEnv``: a 4x12 grid, start (3, 0), goal (3, 11), the cliff
    (3, 1..10); actions up, right, down, left (walls hold the walker in place); reward -1
    a step, -100 on falling, which ends the episode as the goal does. States are
    ``row * 12 + column``."""

    shape = (4, 12)

    def __init__(self):
        self.nS, self.nA = self.shape[0] * self.shape[1], 4
        self.observation_space = SimpleNamespace(n=self.nS)
        self.action_space = SimpleNamespace(n=self.nA)
        self._cliff = np.zeros(self.shape, dtype=bool)
        self._cliff[3, 1:-1] = True
        self.s = 36

    def reset(self) -> int:
        self.s = 36
        return self.s

    def step(self, a: int) -> tuple[int, float, bool, dict]:
        delta = [(-1, 0), (0, 1), (1, 0), (0, -1)][a]
        row, col = divmod(self.s, self.shape[1])
        row = min(max(row + delta[0], 0), self.shape[0] - 1)
        col = min(max(col + delta[1], 0), self.shape[1] - 1)
        cliff = bool(self._cliff[row, col])
        self.s = row * self.shape[1] + col
        done = cliff or (row, col) == (3, 11)
        return self.s, -100.0 if cliff else -1.0, done, {"prob": 1.0}


class Breakout:
    """A stand-in with Atari ``Breakout-v0``'s interface (no emulator): 210x160x3 uint8
    RGB frames, actions noop (0), fire (1), left (2), right (3). Under three rows of
    coloured bricks a ball flies diagonally, bouncing off the side walls and the ceiling;
    a paddle at the bottom moves 8 pixels left or right; catching the ball scores 1 and
    bounces it back; missing it ends the episode, as do ``max_steps`` steps. The ball
    starts at a column drawn from the environment's own generator."""

    def __init__(self, seed: int = 0, max_steps: int = 10):
        self.rng = np.random.RandomState(seed)
        self.max_steps = max_steps
        self.action_space = SimpleNamespace(n=4)
        self.spec = SimpleNamespace(id="Breakout-v0")

    def reset(self) -> np.ndarray:
        self.ball = [140, int(self.rng.randint(24, 136))]
        self.velocity = [6, 4 if self.rng.uniform() < 0.5 else -4]
        self.paddle = 80
        self.t = 0
        return self._frame()

    def _frame(self) -> np.ndarray:
        frame = np.zeros((210, 160, 3), np.uint8)
        frame[32:36, :] = 142                       # ceiling
        frame[32:196, :8] = frame[32:196, 152:] = 142  # side walls
        for row, colour in enumerate([(200, 72, 72), (180, 122, 48), (72, 160, 72)]):
            frame[57 + 6 * row:63 + 6 * row, 8:152] = colour
        frame[189:193, self.paddle - 12:self.paddle + 12] = (200, 72, 72)
        y, x = self.ball
        frame[y:y + 4, x:x + 2] = (200, 72, 72)
        return frame

    def step(self, action: int) -> tuple[np.ndarray, float, bool, dict]:
        self.t += 1
        if action == 2:
            self.paddle = max(20, self.paddle - 8)
        elif action == 3:
            self.paddle = min(140, self.paddle + 8)
        y, x = self.ball
        vy, vx = self.velocity
        x += vx
        if x < 8 or x > 150:
            vx, x = -vx, x - 2 * vx
        y += vy
        if y < 36:
            vy, y = -vy, y - 2 * vy
        reward, done = 0.0, False
        if y >= 185:
            if abs(x - self.paddle) <= 14:
                reward, vy, y = 1.0, -vy, y - 2 * vy
            else:
                done = True
        self.ball, self.velocity = [y, x], [vy, vx]
        done = done or self.t >= self.max_steps
        return self._frame(), reward, done, {"ale.lives": 5}
